package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentsCommandTest extends CliTestCase {

    static final String A1 = """
            {"id":"a1","host":"10.0.0.7","state":"draining","instances":1,"memoryBytes":8589934592,\
            "memoryUsedBytes":2147483648,"memoryFreeBytes":6442450944,"instanceMemoryBytes":536870912,"cpus":4,\
            "labels":{"zone":"a"},"version":"0.1.0","started":"2026-12-06T00:00:00Z","pinned":["bob/db"]}""";
    static final String A2 = """
            {"id":"a2","host":null,"state":"lost","instances":2,"memoryBytes":0,"memoryUsedBytes":0,\
            "memoryFreeBytes":0,"instanceMemoryBytes":0,"cpus":0,"labels":{},"version":null,"started":null,\
            "pinned":[]}""";

    @Test
    void listsTheAgentsWithStateInstancesMemoryCpusLabelsAndVersion() {
        fake.on("GET", "/v1/agents", 200, "[" + A1 + "," + A2 + "]");

        CliRun.Result result = new CliRun(fake, home).run("agents");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                AGENT  ADDRESS   STATE     INSTANCES  MEMORY USED  MEMORY FREE       CPUS  LABELS  VERSION
                a1     10.0.0.7  draining  1          2.0 GB       6.0 GB of 8.0 GB  4     zone=a  0.1.0
                a2     -         lost      2          -            -                 -     -       -
                """);
    }

    @Test
    void drainSaysWhatMovesAndWhatStays() {
        fake.on("POST", "/v1/agents/a1/drain", 200, A1);

        CliRun.Result result = new CliRun(fake, home).run("agents", "drain", "a1", "--force");

        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(fake.last().query()).isEqualTo("force=true");
        assertThat(result.out()).contains("agent a1 draining: its 1 instance moves to other agents")
                .contains("these stay on a1 (their volumes are there): bob/db");
    }

    @Test
    void aRefusedDrainSaysWhichAppsCannotMove() {
        fake.on("POST", "/v1/agents/a1/drain", 409, "{\"error\": \"agent a1 holds the volumes of bob/db: their "
                + "instances cannot move (their data is there)\", \"detail\": \"remove those apps' volumes first, or "
                + "drain with force\"}");

        CliRun.Result result = new CliRun(fake, home).run("agents", "drain", "a1");

        assertThat(result.exit()).isNotZero();
        assertThat(result.err()).contains("agent a1 holds the volumes of bob/db").contains("drain with force");
    }

    @Test
    void setConstraintSendsTheLabelsAndOffClearsThem() {
        fake.on("PUT", "/v1/apps/alice/shop/placement", 200, "{\"constraints\":{\"zone\":\"a\",\"disk\":\"ssd\"}}");
        CliRun.Result set = new CliRun(fake, home).run("set", "alice/shop", "--constraint", "zone=a",
                "--constraint", "disk=ssd");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(fake.last().bodyText()).isEqualTo("{\"constraints\":{\"disk\":\"ssd\",\"zone\":\"a\"}}");
        assertThat(set.out()).contains("alice/shop: runs only on agents labelled disk=ssd,zone=a");

        fake.on("PUT", "/v1/apps/alice/shop/placement", 200, "{\"constraints\":{}}");
        CliRun.Result off = new CliRun(fake, home).run("set", "alice/shop", "--constraint", "off");
        assertThat(fake.last().bodyText()).isEqualTo("{\"constraints\":{}}");
        assertThat(off.out()).contains("alice/shop: runs on any agent");

        CliRun.Result bad = new CliRun(fake, home).run("set", "alice/shop", "--constraint", "zone");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("--constraint must be key=value, found 'zone'");
    }
}
