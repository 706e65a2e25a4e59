/** Attune's version, as package.json says (a test keeps the two equal). */
export const APP_VERSION = '0.1.0'
