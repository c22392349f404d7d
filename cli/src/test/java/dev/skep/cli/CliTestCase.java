package dev.skep.cli;

import dev.skep.client.FakeSkep;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What a CLI command's test starts from: a home of its own and a stand-in server, closed after each test. */
abstract class CliTestCase {

    @TempDir
    Path home;

    final FakeSkep fake = new FakeSkep();

    @AfterEach
    void stopFake() {
        fake.close();
    }
}
