module.exports = {
  optimization: {
    minimizeOptions: {
      javascript: {
        ecma: 2020,
        compress: { passes: 3, ecma: 2020, pure_getters: true, unsafe_arrows: true, unsafe_methods: true },
        format: { ecma: 2020 },
      },
    },
  },
};
