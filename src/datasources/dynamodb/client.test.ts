// clientConfig: DynamoDB Local endpoints get placeholder credentials, AWS endpoints the SDK's default chain, and every
// client a cached middleware stack unless it is for lib-dynamodb's DocumentClient.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { clientConfig, isAwsEndpoint } from './client.ts';

describe('clientConfig', () => {
  it('gives DynamoDB Local (any non-AWS endpoint) placeholder credentials', () => {
    for (const endpoint of ['http://127.0.0.1:8000', 'http://dynamodb:8000', 'http://localhost:8000']) {
      expect(clientConfig({ endpoint, region: 'us-east-1' }).credentials, endpoint).toEqual({
        accessKeyId: 'local',
        secretAccessKey: 'local',
      });
    }
  });

  it('leaves credentials to the default chain for an AWS endpoint (the deployed server) or no endpoint', () => {
    const aws = clientConfig({ endpoint: 'https://dynamodb.eu-west-1.amazonaws.com', region: 'eu-west-1' });
    expect(aws.credentials).toBeUndefined();
    expect(aws.endpoint).toBe('https://dynamodb.eu-west-1.amazonaws.com');
    expect(clientConfig({ region: 'us-east-1' }).credentials).toBeUndefined();
    expect(isAwsEndpoint('https://dynamodb.cn-north-1.amazonaws.com.cn')).toBe(true);
    // A look-alike host is not AWS.
    expect(isAwsEndpoint('http://amazonaws.com.evil.example:8000')).toBe(false);
  });

  it('keeps explicit credentials', () => {
    const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
    expect(clientConfig({ endpoint: 'http://127.0.0.1:8000', region: 'us-east-1', credentials }).credentials).toBe(
      credentials,
    );
  });

  it('caches each command class middleware stack unless the client is for a DocumentClient', async () => {
    expect(clientConfig({ region: 'us-east-1' }).cacheMiddleware).toBe(true);
    const forDocuments = clientConfig({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', cacheMiddleware: false });
    expect(forDocuments.cacheMiddleware).toBe(false);
    // lib-dynamodb refuses a cached stack outright; with it off, a command gets as far as the network.
    const cached = new DynamoDBClient(clientConfig({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1' }));
    expect(() => DynamoDBDocumentClient.from(cached)).toThrow(/cacheMiddleware/);
    const allowed = DynamoDBDocumentClient.from(new DynamoDBClient({ ...forDocuments, maxAttempts: 1 }));
    const sent = allowed.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }));
    await expect(sent).rejects.toThrow();
    await expect(sent).rejects.not.toThrow(/cacheMiddleware/);
    cached.destroy();
    allowed.destroy();
  });
});
