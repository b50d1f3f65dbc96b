/** The SNS topic every alarm notifies (the monitoring stack's one stateful-looking part: it holds only subscriptions). */
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Properties of {@link OnCallTopic}. */
export interface OnCallTopicProps {
  /**
   * E-mail address subscribed to the topic (confirm the subscription e-mail after deploy).
   * @default - no subscription; subscribe the on-call tool to the topic yourself
   */
  readonly alarmEmail?: string;
}

/** The SNS topic every alarm notifies, encrypted with a key CloudWatch may use. */
export class OnCallTopic extends Construct {
  readonly topic: Topic;
  /** The topic's key: a function that publishes needs it too (`HouseFunction.useOnCallTopic`). */
  readonly key: Key;

  constructor(scope: Construct, id: string, props: OnCallTopicProps = {}) {
    super(scope, id);
    const key = new Key(this, 'OnCallKey', {
      description: 'Encrypts the on-call alarm topic',
      enableKeyRotation: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic, so it needs the data key.
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'OnCallTopic', {
      displayName: 'Support chat on-call',
      masterKey: key,
      enforceSSL: true,
    });
    this.key = key;
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
  }
}
