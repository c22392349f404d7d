package dev.skep.deploy.build;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The package manager that installs an app, told by its lockfile as Heroku's Node.js buildpack
 * tells it: package-lock.json (or npm-shrinkwrap.json) is npm, yarn.lock is yarn, pnpm-lock.yaml
 * is pnpm; no lockfile is npm, or what package.json's {@code packageManager} names.
 *
 * @param tool      which one
 * @param lockfile  the lockfile it installs from, if the app has one
 * @param yarnBerry yarn 2 or later (a different CLI from yarn 1)
 */
public record PackageManager(Tool tool, Optional<String> lockfile, boolean yarnBerry) {

    public enum Tool {
        NPM("npm"), YARN("yarn"), PNPM("pnpm");

        public final String command;

        Tool(String command) {
            this.command = command;
        }

        /** yarn and pnpm come from corepack, which ships with Node; npm is the host's own. */
        public boolean viaCorepack() {
            return this != NPM;
        }
    }

    static final String NPM_LOCK = "package-lock.json";
    static final String NPM_SHRINKWRAP = "npm-shrinkwrap.json";
    static final String YARN_LOCK = "yarn.lock";
    static final String PNPM_LOCK = "pnpm-lock.yaml";
    static final List<String> LOCKFILES = List.of(NPM_SHRINKWRAP, NPM_LOCK, YARN_LOCK, PNPM_LOCK);

    private static final Pattern PACKAGE_MANAGER = Pattern.compile("^(npm|yarn|pnpm)@(\\d+)[^\\s]*$");
    private static final Pattern NODE_LINKER = Pattern.compile("(?m)^nodeLinker:\\s*[\"']?([\\w-]+)");
    /** yarn 1 lockfiles are not YAML; yarn 2+ ones start with a __metadata block. */
    private static final int BERRY_SNIFF_BYTES = 4096;

    /** Reads the lockfiles and package.json of the app. */
    static PackageManager detect(Path appRoot, PackageJson pkg) {
        Set<String> present = LOCKFILES.stream().filter(name -> Files.isRegularFile(appRoot.resolve(name)))
                .collect(Collectors.toSet());
        boolean berryLock = present.contains(YARN_LOCK) && isBerryLock(appRoot.resolve(YARN_LOCK));
        return choose(present, pkg.packageManager(), berryLock, Files.isRegularFile(appRoot.resolve(".yarnrc.yml")));
    }

    /**
     * @param lockfiles          the lockfile names in the app's root
     * @param packageManagerField package.json's packageManager, e.g. "yarn@4.1.0"
     * @param berryLock          yarn.lock was written by yarn 2 or later
     * @param yarnrcYml          the app has a .yarnrc.yml (yarn 2+ config, possibly its yarnPath)
     */
    static PackageManager choose(Set<String> lockfiles, Optional<String> packageManagerField, boolean berryLock,
                                 boolean yarnrcYml) {
        Optional<Pinned> pinned = packageManagerField.map(PackageManager::pinned);
        List<String> kinds = lockfiles.stream().map(PackageManager::toolOf).distinct().sorted().toList();
        if (kinds.size() > 1) {
            throw unprocessable("the app has lockfiles of several package managers: "
                            + lockfiles.stream().sorted().collect(Collectors.joining(", ")),
                    "keep the lockfile of the package manager you use, delete the others, and deploy again");
        }
        Tool tool;
        Optional<String> lockfile;
        if (kinds.isEmpty()) {
            tool = pinned.map(Pinned::tool).orElse(Tool.NPM);
            lockfile = Optional.empty();
        } else {
            tool = Tool.valueOf(kinds.get(0));
            // npm-shrinkwrap.json wins over package-lock.json, as it does for npm itself
            lockfile = LOCKFILES.stream().filter(lockfiles::contains).findFirst();
            if (pinned.isPresent() && pinned.get().tool() != tool) {
                throw unprocessable("package.json packageManager names " + pinned.get().tool().command
                                + " but the lockfile is " + lockfile.get() + ", written by " + tool.command,
                        "set packageManager to the package manager that wrote the lockfile, or delete the field");
            }
        }
        boolean berry = tool == Tool.YARN
                && (pinned.map(p -> p.major() >= 2).orElse(false) || (berryLock && pinned.isEmpty()));
        if (tool == Tool.YARN && berryLock && pinned.isEmpty() && !yarnrcYml) {
            throw unprocessable("yarn.lock was written by yarn 2 or later, but package.json does not say which yarn",
                    "run `corepack use yarn@<your version>` (it sets packageManager in package.json), commit, deploy again");
        }
        return new PackageManager(tool, lockfile, berry);
    }

    /**
     * yarn 2+ installing Plug'n'Play (its default): no node_modules, a {@code .pnp.cjs} naming where each
     * package's zip is. The app's {@code .yarnrc.yml} or a YARN_NODE_LINKER config var may choose another linker.
     */
    boolean plugAndPlay(Path appRoot, Map<String, String> config) {
        if (!yarnBerry) {
            return false;
        }
        String linker = config.get("YARN_NODE_LINKER");
        if (linker == null) {
            Path yarnrc = appRoot.resolve(".yarnrc.yml");
            try {
                Matcher m = NODE_LINKER.matcher(Files.isRegularFile(yarnrc) ? Files.readString(yarnrc) : "");
                linker = m.find() ? m.group(1) : "pnp";
            } catch (IOException e) {
                throw unprocessable("could not read .yarnrc.yml (" + e.getMessage() + ")",
                        "commit .yarnrc.yml as the text file yarn writes");
            }
        }
        return linker.strip().equals("pnp");
    }

    /** The tool as it is called, e.g. "npm", "yarn". */
    public String command() {
        return tool.command;
    }

    private record Pinned(Tool tool, int major) {
    }

    private static Pinned pinned(String field) {
        Matcher m = PACKAGE_MANAGER.matcher(field);
        if (!m.matches()) {
            throw unprocessable("package.json packageManager '" + field + "' is not NAME@VERSION of npm, yarn or pnpm",
                    "write it as corepack does, e.g. \"packageManager\": \"pnpm@9.12.0\", or delete it");
        }
        return new Pinned(Tool.valueOf(m.group(1).toUpperCase(Locale.ROOT)), Integer.parseInt(m.group(2)));
    }

    private static String toolOf(String lockfile) {
        return switch (lockfile) {
            case YARN_LOCK -> Tool.YARN.name();
            case PNPM_LOCK -> Tool.PNPM.name();
            default -> Tool.NPM.name();
        };
    }

    private static boolean isBerryLock(Path yarnLock) {
        try (InputStream in = Files.newInputStream(yarnLock)) {
            return isBerryLock(new String(in.readNBytes(BERRY_SNIFF_BYTES), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SkepException(Kind.UNPROCESSABLE, "could not read yarn.lock (" + e.getMessage() + ")",
                    "commit yarn.lock as the text file yarn writes", e);
        }
    }

    static boolean isBerryLock(String head) {
        return head.lines().anyMatch(line -> line.startsWith("__metadata:"));
    }

    private static SkepException unprocessable(String message, String detail) {
        return new SkepException(Kind.UNPROCESSABLE, message, detail);
    }
}
