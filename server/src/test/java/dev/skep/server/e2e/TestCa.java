package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA made with openssl (as ApiTlsEndToEndTest makes one for the API), and server certificates it
 * signs for 127.0.0.1 and localhost: all PEM.
 *
 * @param cert the CA's certificate (what clients trust)
 * @param key  its private key
 */
record TestCa(Path cert, Path key) {

    static TestCa create(Path dir, String name) throws Exception {
        Path cert = dir.resolve(name + "-ca.pem");
        Path key = dir.resolve(name + "-ca.key");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=skep test CA " + name);
        return new TestCa(cert, key);
    }

    /**
     * A certificate for 127.0.0.1, localhost and {@code addresses} (more IPs) signed by this CA: {@code name.pem} and
     * {@code name.key}.
     */
    Path[] sign(Path dir, String name, String... addresses) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path pem = dir.resolve(name + ".pem");
        Path ext = dir.resolve(name + "-ext.cnf");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=localhost");
        StringBuilder names = new StringBuilder("IP:127.0.0.1,DNS:localhost");
        for (String address : addresses) {
            names.append(",IP:").append(address);
        }
        Files.writeString(ext, "subjectAltName=" + names + "\n");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", cert.toString(), "-CAkey", this.key.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", pem.toString());
        return new Path[] {pem, key};
    }

    static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
