import { AlertEvent, Events, encodeAlert, encodeMessage, Severity } from '@palisade/contracts';
import { payloadJsonOf } from './payload-json';

describe('payload JSON of a dead letter', () => {
  it('renders a contract message as protobuf JSON', () => {
    const data = encodeMessage(Events.keysChanged.schema, { sequence: 7, keyid: 'k1' });
    const rendered = payloadJsonOf(Events.keysChanged.schema.typeName, data);
    expect(rendered).toEqual({ payload: { sequence: 7, keyid: 'k1' } });
  });

  it('renders an alert as its CloudEvent', () => {
    const alert = encodeAlert({ area: 'ops', severity: Severity.HIGH, kind: 'dead-letter', summary: 'x', details: {}, raisedBy: 'test' });
    expect(payloadJsonOf(AlertEvent.schemaName, alert.data)).toEqual({ payload: expect.objectContaining({ type: AlertEvent.schemaName }) });
  });

  it('notes why bytes or schemas it cannot read are not rendered', () => {
    expect(payloadJsonOf('test.v1.Unknown', new Uint8Array([1]))).toEqual({ payloadNote: 'schema test.v1.Unknown is not in the contract registry' });
    expect(payloadJsonOf('', new Uint8Array([1]))).toEqual({ payloadNote: 'the message names no schema' });
    expect(payloadJsonOf(Events.keysChanged.schema.typeName, new Uint8Array([0xff, 0xff, 0xff]))).toEqual({ payloadNote: expect.stringMatching(/^not a valid palisade\.v1\.KeysChanged: /) });
    expect(payloadJsonOf(AlertEvent.schemaName, new Uint8Array([0xff]))).toEqual({ payloadNote: expect.stringMatching(/^not a CloudEvents JSON alert/) });
  });
});
