// Request-body decoding as the API server does it before admission.
export {
  decodeObject, requestEntityTooLarge, base64Error, MAX_DEPTH, MAX_REQUEST_BODY_BYTES,
  type DecodeResult, type ExpectedKind, type FieldValidation,
} from './decode.ts';
export {
  parseQuantity, canonicalQuantity, compareQuantities, QuantityError,
  QUANTITY_FORMAT_ERROR, QUANTITY_NUMERIC_ERROR, QUANTITY_SUFFIX_ERROR, type Quantity, type QuantityFormat,
} from './quantity.ts';
export { goQuote } from './json-text.ts';
