package io.github.rediskube.core.render;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Container primitives every contribution builds from: a restricted container of an image, the command that
 * runs one of our scripts, exec probes, small fixed resources for sidecars and the downward-API pod name.
 */
final class Containers {

    private Containers() {
    }

    /**
     * @return a container named {@code name} running {@code image} with the spec's pull policy and the restricted
     *         profile under the image's uid; the caller adds command, env, ports, mounts and probes
     */
    static ContainerBuilder restricted(RedisReplicationSpec spec, String name, String image) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(image)
                .withImagePullPolicy(spec.image().pullPolicy())
                .withSecurityContext(security(spec.image().uid()));
    }

    /** @return {@code sh /etc/redis-kube/<script> <args...>}: runs a script of the ConfigMap */
    static List<String> script(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("sh", RedisConfig.CONFIG_DIR + "/" + script));
        command.addAll(List.of(args));
        return command;
    }

    /** @return a probe running {@code command}, with a 5 s timeout */
    static Probe exec(List<String> command, int initialDelay, int period, int failures) {
        return new ProbeBuilder()
                .withNewExec()
                    .withCommand(command)
                .endExec()
                .withInitialDelaySeconds(initialDelay)
                .withPeriodSeconds(period)
                .withTimeoutSeconds(5)
                .withFailureThreshold(failures)
                .build();
    }

    /** @return a sidecar's fixed resources: {@code cpu} and {@code memory} requested, the memory also the limit */
    static ResourceRequirements small(String cpu, String memory) {
        return new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity(cpu))
                .addToRequests("memory", new Quantity(memory))
                .addToLimits("memory", new Quantity(memory))
                .build();
    }

    /** The restricted profile, container level, plus a read-only root filesystem. */
    static SecurityContext security(long uid) {
        return new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(uid)
                .withRunAsGroup(uid)
                .withAllowPrivilegeEscalation(false)
                .withPrivileged(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                    .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                    .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }

    /** {@code POD_NAME} from the downward API, for the scripts of every container that needs its pod's name. */
    static EnvVar podName() {
        return new EnvVarBuilder()
                .withName(ScriptEnv.POD_NAME.name())
                .withNewValueFrom()
                    .withNewFieldRef()
                        .withFieldPath("metadata.name")
                    .endFieldRef()
                .endValueFrom()
                .build();
    }

    /** @return {@code $(POD_NAME).<service>.<namespace>.svc.<domain>}: the pod's name behind a headless Service */
    static String podHost(RedisReplicationSpec spec, String headlessService) {
        return ScriptEnv.POD_NAME.reference() + "." + headlessService + "." + spec.namespace() + ".svc."
                + spec.clusterDomain();
    }
}
