/*
 * Starts DynamoDB Local bound to one address (the local stack's LOCAL_HOST, loopback by default).
 * The jar's own main binds every interface and has no option to choose one; this does what that
 * main does (createServerFromCommandLineArgs, start) and sets the host of the Jetty connector in
 * between. Run by Java's source launcher: `java -cp DynamoDBLocal.jar DynamoDbLocalOnHost.java
 * <host> <the jar's own arguments>` (local/emulators.ts).
 *
 * It also ends with the process that started it: the local stack holds this process's stdin open
 * (a pipe) for as long as it lives, so end-of-file on stdin means the stack is gone — stopped, or
 * killed without a chance to stop its children (a test worker killed on a timeout) — and a JVM
 * left behind would hold its memory and port for nothing.
 */
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class DynamoDbLocalOnHost {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    DynamoDBProxyServer proxy =
        ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    // The Jetty server is a private field of the proxy; the connector is not bound until start().
    var field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) ((ServerConnector) connector).setHost(host);
    proxy.start();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() != -1) {
                  // Nothing is ever written: only the end of the stream matters.
                }
              } catch (java.io.IOException closed) {
                // A broken pipe is the same news as end-of-file.
              }
              Runtime.getRuntime().halt(0);
            },
            "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
