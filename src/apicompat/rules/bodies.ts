import { isSuccess, rule } from './rule.ts';

/** Request bodies, responses, media types and response headers: existence and requiredness. */
export const BODY_RULES = [
  rule({
    id: 'added-required-request-body',
    level: 'ERR',
    hook: 'requestBody',
    description: 'A required request body was added to an existing operation.',
    check: (s) => !s.base && s.head?.required && 'required request body added',
  }),
  rule({
    id: 'added-optional-request-body',
    level: 'INFO',
    hook: 'requestBody',
    description: 'An optional request body was added.',
    check: (s) => !s.base && s.head && !s.head.required && 'optional request body added',
  }),
  rule({
    id: 'request-body-removed',
    level: 'ERR',
    hook: 'requestBody',
    description: 'The request body was removed: what clients send is no longer described.',
    check: (s) => s.base && !s.head && 'request body removed',
  }),
  rule({
    id: 'request-body-became-required',
    level: 'ERR',
    hook: 'requestBody',
    description: 'An optional request body became required.',
    check: (s) => s.base && s.head && !s.base.required && s.head.required && 'request body became required',
  }),
  rule({
    id: 'request-body-became-optional',
    level: 'INFO',
    hook: 'requestBody',
    description: 'A required request body became optional.',
    check: (s) => s.base && s.head && s.base.required && !s.head.required && 'request body became optional',
  }),
  rule({
    id: 'request-body-media-type-removed',
    level: 'ERR',
    hook: 'mediaType',
    description: 'A request media type is no longer accepted.',
    check: (s) =>
      s.direction === 'request' && s.base && !s.head && `request media type '${s.mediaType}' removed`,
  }),
  rule({
    id: 'request-body-media-type-added',
    level: 'INFO',
    hook: 'mediaType',
    description: 'A request media type is now accepted.',
    check: (s) =>
      s.direction === 'request' && !s.base && s.head && `request media type '${s.mediaType}' added`,
  }),
  rule({
    id: 'response-media-type-removed',
    level: 'ERR',
    hook: 'mediaType',
    description: 'A response media type is no longer produced: clients asking for it get something else.',
    check: (s) =>
      s.direction === 'response' &&
      s.base &&
      !s.head &&
      `response media type '${s.mediaType}' removed (${s.status})`,
  }),
  rule({
    id: 'response-media-type-added',
    level: 'INFO',
    hook: 'mediaType',
    description: 'A response media type was added.',
    check: (s) =>
      s.direction === 'response' &&
      !s.base &&
      s.head &&
      `response media type '${s.mediaType}' added (${s.status})`,
  }),
  rule({
    id: 'response-body-media-type-schema-removed',
    level: 'ERR',
    hook: 'mediaType',
    description: 'A response media type lost its schema: clients no longer know what they get.',
    check: (s) =>
      s.direction === 'response' &&
      s.base?.schema &&
      s.head &&
      !s.head.schema &&
      `response schema removed for '${s.mediaType}' (${s.status})`,
  }),
  rule({
    id: 'response-success-status-removed',
    level: 'ERR',
    hook: 'response',
    description: 'A success (2xx) response status was removed.',
    check: (s) => isSuccess(s.status) && s.base && !s.head && `success response ${s.status} removed`,
  }),
  rule({
    id: 'response-non-success-status-removed',
    level: 'INFO',
    hook: 'response',
    description:
      'A non-success response status was removed (FastAPI adds and drops 422 as parameters come and go).',
    check: (s) => !isSuccess(s.status) && s.base && !s.head && `response ${s.status} removed`,
  }),
  rule({
    id: 'response-success-status-added',
    level: 'INFO',
    hook: 'response',
    description: 'A success (2xx) response status was added.',
    check: (s) => isSuccess(s.status) && !s.base && s.head && `success response ${s.status} added`,
  }),
  rule({
    id: 'response-non-success-status-added',
    level: 'INFO',
    hook: 'response',
    description: 'A non-success response status was added.',
    check: (s) => !isSuccess(s.status) && !s.base && s.head && `response ${s.status} added`,
  }),
  rule({
    id: 'required-response-header-removed',
    level: 'ERR',
    hook: 'header',
    description: 'A required response header was removed.',
    check: (s) => s.base?.required && !s.head && `required response header '${s.name}' removed (${s.status})`,
  }),
  rule({
    id: 'optional-response-header-removed',
    level: 'WARN',
    hook: 'header',
    description: 'An optional response header was removed.',
    check: (s) =>
      s.base && !s.base.required && !s.head && `response header '${s.name}' removed (${s.status})`,
  }),
  rule({
    id: 'response-header-became-optional',
    level: 'ERR',
    hook: 'header',
    description: 'A required response header became optional: clients reading it may not find it.',
    check: (s) =>
      s.base?.required &&
      s.head &&
      !s.head.required &&
      `response header '${s.name}' became optional (${s.status})`,
  }),
  rule({
    id: 'response-header-added',
    level: 'INFO',
    hook: 'header',
    description: 'A response header was added.',
    check: (s) => !s.base && s.head && `response header '${s.name}' added (${s.status})`,
  }),
];
