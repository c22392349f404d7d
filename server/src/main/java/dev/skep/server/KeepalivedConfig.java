package dev.skep.server;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders the keepalived config of one of two edge hosts sharing a virtual IP (`skep edge keepalived`): VRRP over
 * unicast to the peer (clouds and many switches drop multicast), the VIP on the host whose HAProxy runs and has the
 * higher priority. The check script fails when HAProxy is gone, which takes this host's priority below the peer's.
 *
 * @param vip       the virtual address, with or without a prefix ("10.0.0.100/24"; bare: /32 or /128)
 * @param iface     the interface the VIP goes on
 * @param peers     the other edge host(s), literal addresses
 * @param priority  1-254, the higher wins; give the two hosts different ones
 * @param routerId  the VRRP router id, 1-255, the same on both hosts and unique on the network
 * @param check     the command that says HAProxy is up (exit 0)
 */
record KeepalivedConfig(String vip, String iface, List<String> peers, int priority, int routerId, String check) {

    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}");

    KeepalivedConfig {
        String address = vip == null ? "" : vip.contains("/") ? vip.substring(0, vip.indexOf('/')) : vip;
        if (!ListenAddress.isLiteralIp(address)) {
            throw new IllegalArgumentException("--vip '" + vip + "' is not an IP address; write e.g. 10.0.0.100 or "
                    + "10.0.0.100/24");
        }
        if (vip.contains("/")) {
            int bits = address.indexOf(':') >= 0 ? 128 : 32;
            int prefix;
            try {
                prefix = Integer.parseInt(vip.substring(vip.indexOf('/') + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 1 || prefix > bits) {
                throw new IllegalArgumentException("--vip '" + vip + "' has a bad prefix length; use 1-" + bits);
            }
        }
        if (iface == null || !INTERFACE.matcher(iface).matches()) {
            throw new IllegalArgumentException("--interface '" + iface + "' is not an interface name (see `ip link`), "
                    + "e.g. eth0");
        }
        if (peers == null || peers.isEmpty()) {
            throw new IllegalArgumentException("--peer is needed: the other edge host's address");
        }
        for (String p : peers) {
            if (!ListenAddress.isLiteralIp(p)) {
                throw new IllegalArgumentException("--peer '" + p + "' is not an IP address; write the other edge "
                        + "host's address, e.g. 10.0.0.3");
            }
            if ((p.indexOf(':') >= 0) != (address.indexOf(':') >= 0)) {
                throw new IllegalArgumentException("--peer '" + p + "' and --vip '" + vip + "' must be of one family "
                        + "(both IPv4 or both IPv6)");
            }
        }
        if (priority < 1 || priority > 254) {
            throw new IllegalArgumentException("--priority " + priority + " is out of range; use 1-254 (e.g. 150 on "
                    + "one host, 100 on the other)");
        }
        if (routerId < 1 || routerId > 255) {
            throw new IllegalArgumentException("--router-id " + routerId + " is out of range; use 1-255");
        }
        if (check == null || check.isBlank() || check.contains("\"") || check.contains("\n")) {
            throw new IllegalArgumentException("--check must be one command line without double quotes, e.g. "
                    + "'/usr/bin/pidof haproxy'");
        }
    }

    String render() {
        StringBuilder c = new StringBuilder();
        c.append("""
                # Written by `skep edge keepalived`: this edge host's half of a pair sharing %s.
                global_defs {
                    enable_script_security
                    script_user root
                    # the VIP's new owner tells the network at once
                    vrrp_garp_master_delay 1
                }

                # HAProxy must be up for this host to hold the VIP: a failing check takes 60 off the priority,
                # below the peer's (keep the two priorities less than 60 apart)
                vrrp_script chk_haproxy {
                    script "%s"
                    interval 1
                    timeout 2
                    fall 2
                    rise 2
                    weight -60
                }

                vrrp_instance skep_edge {
                    state BACKUP
                    interface %s
                    virtual_router_id %d
                    priority %d
                    advert_int 1
                    unicast_peer {
                """.formatted(vip, check, iface, routerId, priority));
        for (String p : peers) {
            c.append("        ").append(p).append('\n');
        }
        c.append("""
                    }
                    virtual_ipaddress {
                        %s dev %s
                    }
                    track_script {
                        chk_haproxy
                    }
                }
                """.formatted(vip.contains("/") ? vip : vip + (vip.indexOf(':') >= 0 ? "/128" : "/32"), iface));
        return c.toString();
    }
}
