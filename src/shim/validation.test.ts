import { describe, expect, it } from 'vitest';
import { isConfigMapKey, isDNS1123Label, isEnvVarName, isValidLabelValue } from './validation.ts';

// The texts are apimachinery's (k8s.io/apimachinery/pkg/util/validation): RegexError puts
// ", " after each example and " or " between them, so examples are two spaces apart.
describe('validation messages', () => {
  it('lists several examples as the API server does', () => {
    expect(isDNS1123Label('Web')).toEqual([
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(isValidLabelValue('-x')).toEqual([
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });

  it('checks ConfigMap keys and environment variable names', () => {
    expect(isConfigMapKey('a b')).toEqual([
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    expect(isConfigMapKey('..x')).toEqual(["must not start with '..'"]);
    expect(isConfigMapKey('key.name')).toEqual([]);
    expect(isEnvVarName('1X')[0]).toContain("(e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex");
    expect(isEnvVarName('MY_ENV')).toEqual([]);
  });
});
