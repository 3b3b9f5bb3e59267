import { expect } from 'chai';
import { maskHeaders } from '../../src/delivery/mask.js';

describe('delivery/mask: maskHeaders', () => {
  it('hides the values of credential-bearing headers, whatever their case', () => {
    const masked = maskHeaders({
      Authorization: 'Bearer abc',
      'proxy-authorization': 'Basic xyz',
      Cookie: 'session=1',
      'X-API-Key': 'k1',
      'x-auth-token': 't',
      'x-client-secret': 's',
      'x-db-password': 'p',
      'x-tenant-api-key': 'k2',
    });
    expect(Object.values(masked)).to.deep.equal(Array(8).fill('[masked]'));
    expect(Object.keys(masked)).to.include('Authorization');
  });

  it('keeps everything a reader needs to debug an attempt', () => {
    const headers = {
      'content-type': 'application/json',
      'ce-id': '42',
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,abc=',
    };
    expect(maskHeaders(headers)).to.deep.equal(headers);
  });

  it('does not change its input', () => {
    const headers = { authorization: 'Bearer abc' };
    maskHeaders(headers);
    expect(headers.authorization).to.equal('Bearer abc');
  });
});
