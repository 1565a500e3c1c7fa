// Kept for the exports of @palisade/testing; the one copy lives in the production lib.
export { hydrateSymlinks } from '@palisade/embedded-postgres';
