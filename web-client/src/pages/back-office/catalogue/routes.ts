/** Where the catalogue section lives in the client's routes (sections.tsx's path): its pages link under it. */
export const CATALOGUE_BASE = '/back-office/catalogue';
