/**
 * The Hue v1 API's error vocabulary, as a real bridge words it. Every reply to a write is an array of
 * `{ success }` / `{ error }` entries (HTTP 200 either way); `address` is the resource path after the
 * username (`/lights/1/state/bri`), empty for pairing errors.
 */

export interface HueErrorBody {
  type: number;
  address: string;
  description: string;
}

export type HueResponseEntry = { success: Record<string, unknown> | string } | { error: HueErrorBody };

/** How a bridge prints a rejected value: strings as they are, everything else as JSON. */
function showValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

export const hueErrors = {
  unauthorizedUser: (address: string): HueErrorBody => ({ type: 1, address, description: 'unauthorized user' }),
  invalidJson: (address: string): HueErrorBody => ({ type: 2, address, description: 'body contains invalid json' }),
  resourceNotAvailable: (address: string): HueErrorBody => ({ type: 3, address, description: `resource, ${address}, not available` }),
  methodNotAvailable: (method: string, address: string): HueErrorBody => ({
    type: 4,
    address,
    description: `method, ${method}, not available for resource, ${address}`,
  }),
  missingParameters: (address: string): HueErrorBody => ({ type: 5, address, description: 'invalid/missing parameters in body' }),
  parameterNotAvailable: (parameter: string, address: string): HueErrorBody => ({
    type: 6,
    address,
    description: `parameter, ${parameter}, not available`,
  }),
  invalidValue: (value: unknown, parameter: string, address: string): HueErrorBody => ({
    type: 7,
    address,
    description: `invalid value, ${showValue(value)}, for parameter, ${parameter}`,
  }),
  parameterNotModifiable: (parameter: string, address: string): HueErrorBody => ({
    type: 8,
    address,
    description: `parameter, ${parameter}, is not modifiable`,
  }),
  linkButtonNotPressed: (): HueErrorBody => ({ type: 101, address: '', description: 'link button not pressed' }),
  deviceIsOff: (parameter: string, address: string): HueErrorBody => ({
    type: 201,
    address,
    description: `parameter, ${parameter}, is not modifiable. Device is set to off.`,
  }),
  internalError: (code: number, address: string): HueErrorBody => ({ type: 901, address, description: `Internal error, ${code}` }),
};

export const errorEntry = (error: HueErrorBody): HueResponseEntry => ({ error });
