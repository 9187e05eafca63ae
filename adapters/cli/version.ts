declare const __BERTH_VERSION__: string;

/** berth's version, fixed at build time from package.json. */
export const berthVersion: string = __BERTH_VERSION__;
