import { describe, expect, it } from 'vitest';
import { operatorTransferFrameSchema, pushRegisterFrameSchema } from './desk-frames.ts';

describe('desk frames', () => {
  it('accept a transfer to the senior queue or a category, with a reason, and nothing else', () => {
    const frame = { action: 'operator.transfer', conversationId: 'c-1', reason: '  сложный случай ' };
    expect(operatorTransferFrameSchema.parse({ ...frame, to: 'senior' }).reason).toBe('сложный случай');
    expect(operatorTransferFrameSchema.safeParse({ ...frame, to: 'legal' }).success).toBe(true);
    expect(operatorTransferFrameSchema.safeParse({ ...frame, to: 'boss' }).success).toBe(false);
    expect(operatorTransferFrameSchema.safeParse({ ...frame, to: 'senior', reason: '   ' }).success).toBe(
      false,
    );
  });

  it('accept FCM and APNs device tokens and refuse anything that could smuggle markup', () => {
    const frame = { action: 'push.register', platform: 'apns' };
    expect(pushRegisterFrameSchema.safeParse({ ...frame, deviceToken: 'a1'.repeat(32) }).success).toBe(true);
    expect(
      pushRegisterFrameSchema.safeParse({ ...frame, platform: 'fcm', deviceToken: 'dGVzdA:APA91bH-x_y.z' })
        .success,
    ).toBe(true);
    expect(
      pushRegisterFrameSchema.safeParse({ ...frame, deviceToken: '<script>alert(1)</script>' }).success,
    ).toBe(false);
    expect(
      pushRegisterFrameSchema.safeParse({ ...frame, platform: 'wns', deviceToken: 'a1'.repeat(32) }).success,
    ).toBe(false);
  });
});
