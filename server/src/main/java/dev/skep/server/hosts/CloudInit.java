package dev.skep.server.hosts;

/**
 * The user data skep hosts create hands the new server: nothing but the SSH login. skep installs everything else over
 * SSH, as hosts add does, so the server needs no internet and no configuration tool.
 */
final class CloudInit {

    private CloudInit() {
    }

    /**
     * For root, an empty cloud-config (the provider puts the SSH key in root's authorized_keys). For another login, a
     * boot script that makes the user and gives it root's authorized_keys.
     */
    static String userData(String user) {
        if (!user.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("--user must be a Linux login name (a-z, 0-9, _ and -), found '"
                    + user + "'");
        }
        if ("root".equals(user)) {
            return "#cloud-config\n# skep hosts create: skep installs over SSH as root; nothing to do at boot\n";
        }
        return "#!/bin/sh\n"
                + "# skep hosts create: the SSH login skep installs over, with the key the provider gave root\n"
                + "id -u " + user + " >/dev/null 2>&1 || useradd -m -s /bin/sh " + user + "\n"
                + "home=$(getent passwd " + user + " | cut -d: -f6)\n"
                + "install -d -m 700 -o " + user + " -g " + user + " \"$home/.ssh\"\n"
                + "install -m 600 -o " + user + " -g " + user + " /root/.ssh/authorized_keys \"$home/.ssh/authorized_keys\"\n";
    }
}
