// @ts-check
// electron-builder afterPack hook: flips Electron fuses on the packed binary before signing (Signal's set plus
// GrantFileProtocolExtraPrivileges off — the UI is served from the pwb-app:// scheme). Verify a build with
// `npx @electron/fuses read --app <packaged app>`.
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

/** @param {import('electron-builder').AfterPackContext} context */
module.exports = async function afterPack(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const name = packager.appInfo.productFilename;
  const executable =
    electronPlatformName === 'darwin'
      ? path.join(appOutDir, `${name}.app`)
      : electronPlatformName === 'win32'
        ? path.join(appOutDir, `${name}.exe`)
        : path.join(appOutDir, /** @type {import('app-builder-lib').LinuxPackager} */ (packager).executableName);
  await flipFuses(executable, {
    version: FuseVersion.V1,
    // macOS arm64 binaries must be re-signed ad hoc after their bytes change (real signing happens later).
    resetAdHocDarwinSignature: electronPlatformName === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  });
};
