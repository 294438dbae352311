package io.github.rediskube.containers;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the StatefulSet controller and the kubelet make of a StatefulSet's pod template, for podman: pod
 * {@code <sts>-<ordinal>} with its hostname, its fieldRefs and {@code $(VAR)} references expanded (in env
 * order, as the kubelet does), and what podman 4.3's {@code kube play} gets wrong removed or renamed:
 * containerPorts (published on the host even without hostPort), the restart policy (Never: the harness
 * restarts containers), probes and lifecycle hooks (no systemd
 * runs podman's health checks; the harness runs them), emptyDirs renamed per pod (podman makes each a named
 * volume called after the volume, shared by every pod), Secret and ConfigMap references prefixed (podman's
 * secrets and volumes are machine-wide), projected volumes (the service-account token) turned into a
 * ConfigMap of the files the pod expects, Secret and ConfigMap volumes turned into a host directory of the
 * pod's own that the harness writes (and refreshes, for Secrets) as the kubelet does ({@link #volumeDir},
 * {@link PodVolumes}; podman 4.3 would give a Secret volume's files once, from a podman secret, never updated).
 */
final class KubeletPods {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    /**
     * Where a pod runs.
     *
     * @param prefix        prefix of every podman object of this run (pods, volumes, secrets, ConfigMaps)
     * @param ip            the pod's IP on the run's network
     * @param hostAliases   /etc/hosts entries of every pod (pod and Service DNS names)
     * @param extraEnv      what the kubelet adds to every container (KUBERNETES_SERVICE_HOST/PORT)
     * @param projectedFiles files of every projected volume (token, ca.crt, namespace); empty: none mounted
     * @param volumeRoot    the host directory under which each pod's Secret and ConfigMap volumes are ({@link #volumeDir})
     */
    record Context(String prefix, String ip, List<HostAlias> hostAliases, Map<String, String> extraEnv,
                   Map<String, String> projectedFiles, java.nio.file.Path volumeRoot) {
    }

    /**
     * @return the host directory standing for a pod's Secret or ConfigMap volume, which the harness writes as the
     *         kubelet does
     */
    static java.nio.file.Path volumeDir(java.nio.file.Path volumeRoot, String pod, String volume) {
        return volumeRoot.resolve(pod).resolve(volume);
    }

    /**
     * @param original the pod as the API server would hold it (env expanded, probes and hooks kept): the
     *                 harness runs its probes and preStop
     * @param played   what {@code podman kube play} gets
     * @param extra    ConfigMaps played with it (projected volumes)
     */
    record Planned(String name, String ip, Pod original, Pod played, List<ConfigMap> extra) {
        String podmanName() {
            return played.getMetadata().getName();
        }

        /** @return podman's name of a container of this pod */
        String container(String container) {
            return podmanName() + "-" + container;
        }
    }

    private KubeletPods() {
    }

    /** @return the pod of a StatefulSet's ordinal, as the StatefulSet controller creates it */
    static String podName(StatefulSet sts, int ordinal) {
        return sts.getMetadata().getName() + "-" + ordinal;
    }

    static Planned plan(StatefulSet sts, int ordinal, Context context) {
        String name = podName(sts, ordinal);
        String namespace = sts.getMetadata().getNamespace() == null ? "default" : sts.getMetadata().getNamespace();
        Map<String, String> labels = new TreeMap<>(sts.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("statefulset.kubernetes.io/pod-name", name);
        labels.put("apps.kubernetes.io/pod-index", String.valueOf(ordinal));
        Pod original = new PodBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .withAnnotations(sts.getSpec().getTemplate().getMetadata().getAnnotations())
                .endMetadata()
                .withSpec(new PodBuilder().withSpec(sts.getSpec().getTemplate().getSpec()).build().getSpec())
                .editSpec()
                    .withHostname(name)
                    .withSubdomain(sts.getSpec().getServiceName())
                .endSpec()
                .build();
        Map<String, String> fields = Map.of("metadata.name", name, "metadata.namespace", namespace,
                "status.podIP", context.ip(), "status.hostIP", context.ip(), "spec.nodeName", "podman",
                "spec.serviceAccountName", String.valueOf(original.getSpec().getServiceAccountName()));
        for (Container container : containers(original.getSpec())) {
            expand(container, fields, labels);
        }

        Pod played = new PodBuilder(original).build();
        played.getMetadata().setName(context.prefix() + name);
        PodSpec spec = played.getSpec();
        spec.setHostAliases(context.hostAliases());
        spec.setAffinity(null);
        spec.setTolerations(null);
        spec.setTopologySpreadConstraints(null);
        spec.setNodeSelector(null);
        spec.setServiceAccountName(null);
        spec.setAutomountServiceAccountToken(null);
        spec.setPriorityClassName(null);
        // The harness restarts containers as the kubelet does (a failed liveness probe, a test's restart): podman
        // 4.3's own restart policy, without systemd, leaves a killed container reported "running" yet stopped.
        spec.setRestartPolicy("Never");
        List<ConfigMap> extra = new ArrayList<>();
        Map<String, String> volumeNames = new LinkedHashMap<>();
        List<Volume> volumes = new ArrayList<>();
        for (Volume volume : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
            String renamed = context.prefix() + name + "-" + volume.getName();
            if (volume.getEmptyDir() != null) {
                volumeNames.put(volume.getName(), renamed);
                volumes.add(new VolumeBuilder(volume).withName(renamed).build());
            } else if (volume.getConfigMap() != null || volume.getSecret() != null) {
                volumes.add(new VolumeBuilder().withName(volume.getName()).withNewHostPath()
                        .withPath(volumeDir(context.volumeRoot(), name, volume.getName()).toString())
                        .withType("Directory").endHostPath().build());
            } else if (volume.getProjected() != null) {
                if (context.projectedFiles().isEmpty()) {
                    volumeNames.put(volume.getName(), renamed);
                    volumes.add(new VolumeBuilder().withName(renamed).withNewEmptyDir().endEmptyDir().build());
                } else {
                    extra.add(new ConfigMapBuilder().withNewMetadata().withName(renamed).endMetadata()
                            .withData(context.projectedFiles()).build());
                    volumes.add(new VolumeBuilder().withName(volume.getName()).withNewConfigMap().withName(renamed)
                            .withDefaultMode(volume.getProjected().getDefaultMode()).endConfigMap().build());
                }
            } else {
                volumes.add(volume);
            }
        }
        spec.setVolumes(volumes);
        for (Container container : containers(spec)) {
            container.setPorts(null);
            container.setReadinessProbe(null);
            container.setLivenessProbe(null);
            container.setStartupProbe(null);
            container.setLifecycle(null);
            for (VolumeMount mount : container.getVolumeMounts()) {
                mount.setName(volumeNames.getOrDefault(mount.getName(), mount.getName()));
            }
            for (EnvVar env : container.getEnv()) {
                if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                    env.getValueFrom().getSecretKeyRef().setName(context.prefix() + env.getValueFrom().getSecretKeyRef().getName());
                }
                if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
                    env.getValueFrom().getConfigMapKeyRef().setName(
                            context.prefix() + env.getValueFrom().getConfigMapKeyRef().getName());
                }
            }
            context.extraEnv().forEach((k, v) -> container.getEnv().add(new EnvVar(k, v, null)));
        }
        return new Planned(name, context.ip(), original, played, extra);
    }

    static List<Container> containers(PodSpec spec) {
        List<Container> all = new ArrayList<>();
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        all.addAll(spec.getContainers());
        return all;
    }

    /** fieldRefs resolved, then {@code $(VAR)} in env values, command and args, as the kubelet does. */
    private static void expand(Container container, Map<String, String> fields, Map<String, String> labels) {
        Map<String, String> known = new LinkedHashMap<>();
        List<EnvVar> env = new ArrayList<>();
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            EnvVar copy = new EnvVar(var.getName(), var.getValue(), var.getValueFrom());
            if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
                copy = new EnvVar(var.getName(), field(var.getValueFrom().getFieldRef(), fields, labels), null);
            } else if (var.getValue() != null) {
                copy = new EnvVar(var.getName(), substitute(var.getValue(), known), null);
            }
            if (copy.getValue() != null) {
                known.put(copy.getName(), copy.getValue());
            }
            env.add(copy);
        }
        container.setEnv(env);
        if (container.getCommand() != null) {
            container.setCommand(container.getCommand().stream().map(s -> substitute(s, known)).toList());
        }
        if (container.getArgs() != null) {
            container.setArgs(container.getArgs().stream().map(s -> substitute(s, known)).toList());
        }
    }

    private static String field(ObjectFieldSelector selector, Map<String, String> fields, Map<String, String> labels) {
        String path = selector.getFieldPath();
        Matcher label = Pattern.compile("metadata\\.labels\\['(.+)'\\]").matcher(path);
        if (label.matches()) {
            return labels.getOrDefault(label.group(1), "");
        }
        String value = fields.get(path);
        if (value == null) {
            throw new IllegalArgumentException("fieldRef " + path + " is not one the container tier resolves "
                    + fields.keySet() + ": add it to KubeletPods");
        }
        return value;
    }

    /** Kubelet semantics: {@code $$} is a literal {@code $}, an unknown {@code $(X)} stays as written. */
    static String substitute(String value, Map<String, String> known) {
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group(1) == null) {
                replacement = "$";
            } else {
                replacement = known.getOrDefault(matcher.group(1), matcher.group());
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
