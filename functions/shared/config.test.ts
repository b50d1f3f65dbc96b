import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';

describe('configuration', () => {
  it('reads a variable the function uses', () => {
    // Prepare
    const config = readConfig({ MESSAGES_TABLE: 'SupportChat-Messages' });

    // Act
    const table = config.messagesTable;

    // Assess
    expect(table).toBe('SupportChat-Messages');
  });

  it('does not require the variables a function never reads', () => {
    // Prepare
    const config = readConfig({ CONNECTIONS_TABLE: 'Connections' });

    // Act
    const read = () => config.connectionsTable;

    // Assess
    expect(read).not.toThrow();
  });

  it('fails loudly, naming the variable, when a used variable is missing', () => {
    // Prepare
    const config = readConfig({});

    // Act
    const read = () => config.botQueueUrl;

    // Assess
    expect(read).toThrow(new ConfigError('BOT_QUEUE_URL', 'missing'));
  });

  it('reports a malformed variable without echoing its value', () => {
    // Prepare
    const config = readConfig({ POST_TIMEOUT_MS: 'three-seconds-secret' });

    // Act
    const read = () => config.postTimeoutMs;

    // Assess
    expect(read).toThrow('Environment variable POST_TIMEOUT_MS: malformed');
    expect(read).not.toThrow(/three-seconds-secret/);
  });

  it('applies the defaults that run locally', () => {
    // Prepare
    const config = readConfig({ MESSAGE_RETENTION_DAYS: '' });

    // Act
    const settings = { retention: config.messageRetentionDays, postTimeout: config.postTimeoutMs };

    // Assess
    expect(settings).toEqual({ retention: 365, postTimeout: 3000 });
  });

  it('turns numeric variables into numbers', () => {
    // Prepare
    const config = readConfig({ MESSAGE_RETENTION_DAYS: '30', POST_TIMEOUT_MS: '1500' });

    // Act
    const settings = { retention: config.messageRetentionDays, postTimeout: config.postTimeoutMs };

    // Assess
    expect(settings).toEqual({ retention: 30, postTimeout: 1500 });
  });

  it('reads MESSAGE_BODY_COMPRESSION as on (the default) or off, and refuses anything else by name', () => {
    // Act
    const unset = readConfig({}).compressMessageBodies;
    const on = readConfig({ MESSAGE_BODY_COMPRESSION: 'on' }).compressMessageBodies;
    const off = readConfig({ MESSAGE_BODY_COMPRESSION: 'off' }).compressMessageBodies;
    const other = () => readConfig({ MESSAGE_BODY_COMPRESSION: 'false' }).compressMessageBodies;

    // Assess
    expect([unset, on, off]).toEqual([true, true, false]);
    expect(other).toThrow(/MESSAGE_BODY_COMPRESSION/);
  });
});
