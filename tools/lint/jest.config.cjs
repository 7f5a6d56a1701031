module.exports = require('../../jest.preset.cjs').tiers(__dirname);
