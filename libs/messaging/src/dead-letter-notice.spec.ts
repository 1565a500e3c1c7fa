import { DEAD_LETTER_ALERT_SUBJECT, DeadLetterNotices, deadLetterAlert, raisesAlert, type DeadLetterNotice } from './dead-letter-notice';

const notice: DeadLetterNotice = {
  stream: 'REGISTRY',
  consumer: 'promotion_registry_evt_version_signed',
  subject: 'registry.evt.version.signed',
  messageId: 'm-1',
  errorCode: 'CONTRACT_UNDECODABLE',
  errorMessage: 'bad bytes\nline two',
  attempts: 1,
};

describe('dead-letter alerts', () => {
  it('builds an alerts.ops.high.dead-letter alert with a stable id and the dead letter in its details', () => {
    const alert = deadLetterAlert(notice, 'palisade-promotion');
    expect(alert.subject).toBe(DEAD_LETTER_ALERT_SUBJECT);
    expect(alert.id).toBe('alert:dead-letter:promotion_registry_evt_version_signed:m-1');
    expect(deadLetterAlert(notice).id).toBe(alert.id);
    const event = JSON.parse(new TextDecoder().decode(alert.data));
    expect(event).toMatchObject({
      source: '/palisade/palisade-promotion',
      subject: DEAD_LETTER_ALERT_SUBJECT,
      data: {
        area: 'ops',
        severity: 'high',
        kind: 'dead-letter',
        details: { stream: 'REGISTRY', consumer: notice.consumer, subject: notice.subject, messageId: 'm-1', errorCode: 'CONTRACT_UNDECODABLE', attempts: '1' },
      },
    });
  });

  it('gives the dead letter of a redrive that failed again an alert of its own', () => {
    const replay = deadLetterAlert({ ...notice, redrivenFrom: '118' });
    expect(replay.id).toBe('alert:dead-letter:promotion_registry_evt_version_signed:m-1:redriven-118');
    expect(replay.id).not.toBe(deadLetterAlert(notice).id);
  });

  it('raises no alert for a dead-lettered dead-letter alert (no feedback loop)', () => {
    expect(raisesAlert(notice)).toBe(true);
    expect(raisesAlert({ subject: DEAD_LETTER_ALERT_SUBJECT })).toBe(false);
  });

  it('tells every listener, survives a failing one, and stops telling one that unsubscribed', () => {
    const notices = new DeadLetterNotices();
    const seen: string[] = [];
    notices.listen(() => {
      throw new Error('broken sink');
    });
    const stop = notices.listen((n) => void seen.push(n.messageId));
    notices.emit(notice);
    stop();
    notices.emit({ ...notice, messageId: 'm-2' });
    expect(seen).toEqual(['m-1']);
  });
});
