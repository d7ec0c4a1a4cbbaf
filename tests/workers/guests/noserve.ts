/** Test guest: a module that never calls serve(). @module */
export const nothing = 0;
