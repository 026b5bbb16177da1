// Name, label and annotation rules every object goes through on create and update.
// Messages are upstream's, word for word: kubectl shows them to the learner.
// K:staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go,
// K:staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go
import { fieldError, type FieldError } from './errors.ts';
import type { KObject } from './objects.ts';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;

const dns1123Label = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const dns1123Subdomain = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const dns1035Label = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const qualifiedName = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const labelValue = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** apimachinery's RegexError: each example is followed by ", " and joined with " or " (two spaces between). */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const CONFIG_KEY_FMT = '[-._a-zA-Z0-9]+';
const configKey = new RegExp(`^${CONFIG_KEY_FMT}$`);

/** IsConfigMapKey: keys of ConfigMap and Secret data (the API server's and kubectl create's check). */
export function isConfigMapKey(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push(maxLen(253));
  if (!configKey.test(key)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  }
  return [...errs, ...relativePathErrors(key)];
}

const ENV_VAR_NAME_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarName = new RegExp(`^${ENV_VAR_NAME_FMT}$`);

/** IsEnvVarName. */
export function isEnvVarName(name: string): string[] {
  const errs: string[] = [];
  if (!envVarName.test(name)) {
    errs.push(regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit", ENV_VAR_NAME_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  }
  return [...errs, ...relativePathErrors(name)];
}

/** hasChDirPrefix: what a key that becomes a file name must not be. */
function relativePathErrors(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

const maxLen = (n: number): string => `must be no more than ${n} characters`;

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!dns1123Label.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
        'my-name',
        '123-abc',
      ),
    );
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLen(253));
  if (!dns1123Subdomain.test(value)) {
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FMT,
        'example.com',
      ),
    );
  }
  return errs;
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!dns1035Label.test(value)) {
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL_FMT,
        'my-name',
        'abc-123',
      ),
    );
  }
  return errs;
}

/** K:staging/src/k8s.io/apimachinery/pkg/api/validation/path/name.go (PersistentVolumes, RBAC). */
export function isPathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const errs: string[] = [];
  for (const c of ['/', '%']) if (value.includes(c)) errs.push(`may not contain '${c}'`);
  return errs;
}

export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'pathSegment';

const NAME_RULES: Record<NameRule, (v: string) => string[]> = {
  subdomain: isDNS1123Subdomain,
  label: isDNS1123Label,
  dns1035: isDNS1035Label,
  pathSegment: isPathSegmentName,
};

/** A prefix for generateName may end in '-'; upstream masks it before checking. */
export function validateName(rule: NameRule, value: string, prefix = false): string[] {
  const v = prefix && value.endsWith('-') ? `${value.slice(0, -1)}a` : value;
  return NAME_RULES[rule](v);
}

/** `IsQualifiedName`: label and annotation keys, `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const msg of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
  } else {
    return [
      `a qualified name ${regexError(
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        QUALIFIED_NAME_FMT,
        'MyName',
        'my.name',
        '123-abc',
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (!qualifiedName.test(name)) {
    errs.push(
      `name part ${regexError(
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        QUALIFIED_NAME_FMT,
        'MyName',
        'my.name',
        '123-abc',
      )}`,
    );
  }
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!labelValue.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** `ValidateObjectMeta` minus namespace checks (the registry does those). */
export function validateObjectMeta(obj: KObject, rule: NameRule): FieldError[] {
  const errs: FieldError[] = [];
  const m = obj.metadata ?? {};
  if (m.generateName !== undefined && m.generateName !== '') {
    for (const msg of validateName(rule, m.generateName, true)) {
      errs.push(fieldError.invalid('metadata.generateName', m.generateName, msg));
    }
  }
  if (m.name === undefined || m.name === '') {
    errs.push(fieldError.required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of validateName(rule, m.name)) errs.push(fieldError.invalid('metadata.name', m.name, msg));
  }
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fieldError.invalid('metadata.labels', k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(fieldError.invalid('metadata.labels', v, msg));
  }
  let size = 0;
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldError.invalid('metadata.annotations', k, msg));
    size += k.length + v.length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push({
      type: 'FieldValueTooLong',
      field: 'metadata.annotations',
      detail: `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
    });
  }
  (m.ownerReferences ?? []).forEach((ref, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    if (!ref.apiVersion) errs.push(fieldError.invalid(`${p}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(fieldError.invalid(`${p}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(fieldError.invalid(`${p}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(fieldError.invalid(`${p}.uid`, ref.uid ?? '', 'uid must not be empty'));
  });
  const controllers = (m.ownerReferences ?? []).filter((r) => r.controller === true);
  if (controllers.length > 1) {
    errs.push(
      fieldError.invalid(
        'metadata.ownerReferences',
        m.ownerReferences,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers
          .map((r) => `${r.kind}/${r.name}`)
          .join(' and ')}`,
      ),
    );
  }
  return errs;
}
