// IAM statements built from what the code does (dynamodb-access.ts), shared by the AppSync data source role and
// the server's task role, so both hold the same actions on the same ARNs and nothing wider.
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { DynamoDbAccess } from './dynamodb-access.ts';

/** The table's actions on its ARN; Query/Scan also on the ARN of each index a resolver names. */
export function dynamoDbStatements(access: DynamoDbAccess, table: ITable, extraActions: readonly string[] = []) {
  const statements = [
    new iam.PolicyStatement({
      actions: [...new Set([...access.actions.keys(), ...extraActions])].sort(),
      resources: [table.tableArn],
    }),
  ];
  if (access.indexActions.length) {
    statements.push(
      new iam.PolicyStatement({
        actions: [...access.indexActions],
        resources: [...access.indexes.keys()].map((name) => `${table.tableArn}/index/${name}`),
      }),
    );
  }
  return statements;
}

/** AppSync's RDS data source runs each statement with the Data API's ExecuteStatement, signed with the secret. */
export function rdsDataApiStatements(clusterArn: string, secretArn: string) {
  return [
    new iam.PolicyStatement({ actions: ['rds-data:ExecuteStatement'], resources: [clusterArn] }),
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }),
  ];
}
