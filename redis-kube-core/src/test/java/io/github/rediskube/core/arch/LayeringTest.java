package io.github.rediskube.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.RedisDeployment;
import org.junit.jupiter.api.Test;

/** Data flows one way: spec -> render -> deploy. Rendering stays pure. */
class LayeringTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.rediskube.core");

    @Test
    void renderImportsOnlyTheFabric8ModelNeverTheClient() {
        noClasses().that().resideInAPackage("io.github.rediskube.core.render..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fabric8.kubernetes.client..",
                        "io.github.rediskube.core.deploy..", "java.net..", "java.time..", "java.util.random..")
                .because("rendering is pure: no API calls, no network, no clock")
                .check(CORE);
    }

    @Test
    void renderUsesNoRandomness() {
        noClasses().that().resideInAPackage("io.github.rediskube.core.render..")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.UUID")
                .because("the same spec must render byte-identical manifests")
                .check(CORE);
    }

    @Test
    void aRenderContributionNeverUsesAnotherContribution() {
        noClasses().that().implement("io.github.rediskube.core.render.Contribution")
                .should().dependOnClassesThat(implementContribution())
                .because("shared parts of features go into the render primitives, so that a feature is one class")
                .check(CORE);
    }

    private static DescribedPredicate<JavaClass> implementContribution() {
        return DescribedPredicate.describe("implement Contribution",
                c -> c.getAllRawInterfaces().stream().anyMatch(
                        i -> i.getName().equals("io.github.rediskube.core.render.Contribution")));
    }

    @Test
    void specDoesNotReachIntoDeployment() {
        noClasses().that().resideInAPackage("io.github.rediskube.core.spec..")
                .should().dependOnClassesThat().resideInAPackage("io.github.rediskube.core.deploy..")
                .check(CORE);
    }

    @Test
    void specDoesNotDependOnRendering() {
        noClasses().that().resideInAPackage("io.github.rediskube.core.spec..")
                .should().dependOnClassesThat().resideInAPackage("io.github.rediskube.core.render..")
                .because("data flows spec -> render -> deploy: a spec is a value that renders nothing itself;"
                        + " RedisKube.manifests/toYaml/writeYaml and RedisManifests.render render it")
                .check(CORE);
    }

    @Test
    void redisKubeIsTheOnlyPublicFactoryOfDeploymentHandles() {
        methods().that().areStatic().and().arePublic().and().haveRawReturnType(RedisDeployment.class)
                .should().beDeclaredIn(RedisKube.class)
                .because("one entry point per thing: RedisKube.deploy/attach; RedisDeployment's own are package-private")
                .check(CORE);
    }

    @Test
    void theInternalBridgeIsReachedOnlyByTheEntryPointAndTheDeployPackage() {
        noClasses().that().resideOutsideOfPackages("io.github.rediskube.core", "io.github.rediskube.core.deploy",
                        "io.github.rediskube.core.internal")
                .should().dependOnClassesThat().resideInAPackage("io.github.rediskube.core.internal..")
                .because("core.internal is not API")
                .check(CORE);
    }
}
