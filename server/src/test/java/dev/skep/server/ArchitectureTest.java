package dev.skep.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency rules of DESIGN.md: stages meet in state and model, never in each other. */
class ArchitectureTest {

    static JavaClasses classes;

    /** What every module may use: the JDK, logging, and the model's own libraries (Jackson's annotations). */
    static final List<String> EVERYONE = List.of("java..", "javax..", "org.slf4j..", "dev.skep.model..",
            "com.fasterxml.jackson.annotation..");

    /** Each stage's own libraries, as its pom declares them. */
    static final Map<String, List<String>> STAGE_LIBRARIES = Map.of(
            "deploy", List.of("org.apache.commons.compress..", "com.fasterxml.jackson.."),
            "schedule", List.of(),
            "supervise", List.of("com.fasterxml.jackson.."),
            "route", List.of("io.netty..", "com.google.common.."),
            "monitor", List.of("io.micrometer..", "io.prometheus..", "jakarta.mail..", "org.eclipse.angus..",
                    "com.fasterxml.jackson.."));

    @BeforeAll
    static void load() {
        // other modules' test classes reach this class path as target/test-classes in `test` and as *-tests.jar
        // in `verify` (where ArchUnit's test filter does not see them): neither is main code the rules are about
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.skep");
    }

    @Test
    void stagesDoNotImportEachOther() {
        String[] stages = {"deploy", "schedule", "supervise", "route", "monitor"};
        for (String stage : stages) {
            for (String other : stages) {
                if (!stage.equals(other)) {
                    noClasses().that().resideInAPackage("dev.skep." + stage + "..")
                            .should().dependOnClassesThat().resideInAPackage("dev.skep." + other + "..")
                            .check(classes);
                }
            }
        }
    }

    @Test
    void eachStageDependsOnlyOnTheModelAndItsOwnLibraries() {
        // a stage meets the others through model's views and records; server wires them together
        STAGE_LIBRARIES.forEach((stage, libraries) -> {
            List<String> allowed = new ArrayList<>(EVERYONE);
            allowed.add("dev.skep." + stage + "..");
            allowed.addAll(libraries);
            classes().that().resideInAPackage("dev.skep." + stage + "..")
                    .should().onlyDependOnClassesThat().resideInAnyPackage(allowed.toArray(String[]::new))
                    .check(classes);
        });
    }

    @Test
    void onlyTheStateModuleTalksToZooKeeper() {
        noClasses().that().resideOutsideOfPackage("dev.skep.state..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.curator..", "org.apache.zookeeper..")
                .check(classes);
    }

    @Test
    void onlyTheRouterUsesNettyDirectly() {
        noClasses().that().resideOutsideOfPackage("dev.skep.route..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .check(classes);
    }

    @Test
    void onlyTheHostsModuleSpeaksSsh() {
        // skep hosts: the SSH client stays in one small module; the server drives it through SshHost
        noClasses().that().resideOutsideOfPackage("dev.skep.hosts..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.sshd..")
                .check(classes);
    }

    @Test
    void theHostsModuleKnowsNothingOfSkep() {
        noClasses().that().resideInAPackage("dev.skep.hosts..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.skep.model..", "dev.skep.state..",
                        "dev.skep.server..", "dev.skep.api..", "dev.skep.cli..", "dev.skep.client..")
                .check(classes);
    }

    @Test
    void theModelDependsOnNothingOfSkep() {
        noClasses().that().resideInAPackage("dev.skep.model..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.skep.state..", "dev.skep.deploy..",
                        "dev.skep.api..", "dev.skep.server..", "dev.skep.supervise..", "dev.skep.route..")
                .check(classes);
    }

    @Test
    void theCliOnlyKnowsTheClient() {
        noClasses().that().resideInAPackage("dev.skep.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.skep.api..", "dev.skep.state..",
                        "dev.skep.server..", "dev.skep.deploy..", "dev.skep.supervise..")
                .check(classes);
    }

    @Test
    void onlyTheServerKnowsHowStateIsStored() {
        // stages and the API see the state through model's interfaces; server wires in the ZooKeeper ones
        noClasses().that().resideOutsideOfPackages("dev.skep.state..", "dev.skep.server..")
                .should().dependOnClassesThat().resideInAPackage("dev.skep.state..")
                .check(classes);
    }

    @Test
    void stagesDependOnTheNarrowViewsOfTheState() {
        // ClusterState is the sum of the views; a stage names the ones it uses (AppCatalog, Assignments, ...)
        noClasses().that().resideOutsideOfPackages("dev.skep.state..", "dev.skep.server..", "dev.skep.model..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.skep.model.ClusterState")
                .check(classes);
    }

    @Test
    void theInstanceMachineNeverSleeps() {
        // every wait of an instance's life is a timer that posts a signal, so its tests run on a manual clock
        noClasses().that().haveSimpleName("InstanceMachine")
                .should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Thread.class, "sleep", Duration.class)
                .check(classes);
    }

    @Test
    void modulesHaveNoCycles() {
        slices().matching("dev.skep.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        // inside a module too: a package that needs another is never needed by it (route.server uses route.proxy,
        // which uses the route table and config of dev.skep.route, which uses neither)
        slices().matching("dev.skep.(**)").should().beFreeOfCycles().check(classes);
    }
}
