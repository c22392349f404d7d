package dev.skep.deploy.build;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The config vars Heroku users set to keep devDependencies after the build, read the way
 * Heroku's Node.js buildpack reads them: {@code NPM_CONFIG_PRODUCTION=false} for npm,
 * {@code YARN_PRODUCTION=false} for yarn 1, {@code YARN2_SKIP_PRUNING=true} for yarn 2+,
 * {@code PNPM_SKIP_PRUNING=true} for pnpm.
 */
final class PruneOptOut {

    private PruneOptOut() {
    }

    /** The setting that keeps devDependencies, as "NAME=value", or empty: prune. */
    static Optional<String> keptBy(PackageManager pm, Map<String, String> config) {
        String setting = settingFor(pm);
        String name = setting.substring(0, setting.indexOf('='));
        String value = setting.substring(setting.indexOf('=') + 1);
        Optional<String> kept = setTo(config, name, value);
        // npm reads npm_config_* in any case; so do we
        return pm.tool() == PackageManager.Tool.NPM
                ? kept.or(() -> setTo(config, name.toLowerCase(Locale.ROOT), value)) : kept;
    }

    private static Optional<String> setTo(Map<String, String> config, String name, String value) {
        String set = config.get(name);
        return set != null && set.strip().equalsIgnoreCase(value) ? Optional.of(name + "=" + set.strip())
                : Optional.empty();
    }

    /** The setting that would keep devDependencies for this package manager. */
    static String settingFor(PackageManager pm) {
        return switch (pm.tool()) {
            case NPM -> "NPM_CONFIG_PRODUCTION=false";
            case YARN -> pm.yarnBerry() ? "YARN2_SKIP_PRUNING=true" : "YARN_PRODUCTION=false";
            case PNPM -> "PNPM_SKIP_PRUNING=true";
        };
    }
}
