// The jest `unit` project as a config of its own, for Stryker (stryker.config.mjs): its jest
// runner instruments one test environment and cannot pick a project out of `projects`.
const { rootDir, projects } = require('./jest.config.js');

// eslint-disable-next-line no-unused-vars
const { displayName, ...unit } = projects.find((project) => project.displayName === 'unit');

/** @type {import('jest').Config} */
module.exports = { ...unit, rootDir };
