package io.github.rediskube.containers;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.github.rediskube.testing.SecretVolume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the kubelet does for the pods' Secret and ConfigMap volumes, on host directories a pod mounts as
 * {@code hostPath} ({@link KubeletPods#volumeDir}): writes each Secret's or ConfigMap's items (or every key) as
 * files in the volume's {@code defaultMode}, group the pod's fsGroup, all of a volume in one atomic swap before
 * the pod starts (podman 4.3's own ConfigMap volumes were once seen handing a container a script cut at 8192
 * bytes), and rewrites a Secret's atomically when a test plays a kubelet's refresh after the Secret changed.
 */
final class PodVolumes implements AutoCloseable {

    private final Path root;
    /** Each Secret's data (decoded), by name. */
    private final Map<String, Map<String, String>> data = new LinkedHashMap<>();
    /** Each ConfigMap's data, by name. */
    private final Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();

    private PodVolumes(Path root) {
        this.root = root;
    }

    /** @return an empty set under a new temporary directory named with the run's prefix */
    static PodVolumes create(String prefix) {
        try {
            return new PodVolumes(Files.createTempDirectory(prefix + "volumes"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the directory under which each pod's Secret and ConfigMap volumes are */
    Path root() {
        return root;
    }

    /** Records a played Secret's data. */
    void add(Secret secret) {
        Map<String, String> values = new TreeMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        data.put(secret.getMetadata().getName(), values);
    }

    /** Records a played ConfigMap's data. */
    void add(ConfigMap configMap) {
        configMaps.put(configMap.getMetadata().getName(),
                configMap.getData() == null ? Map.of() : new TreeMap<>(configMap.getData()));
    }

    /** Writes the pod's ConfigMap volumes (before it starts). */
    void writeConfigMaps(KubeletPods.Planned pod) {
        writeVolumes(pod, source -> source.played() == configMaps);
    }

    /** Writes the pod's Secret volumes: those of {@code secretName}, or all when it is null. */
    void write(KubeletPods.Planned pod, String secretName) {
        writeVolumes(pod, source -> source.played() == data && (secretName == null || secretName.equals(source.name())));
    }

    /** Writes each of the pod's Secret and ConfigMap volumes that {@code which} accepts. */
    private void writeVolumes(KubeletPods.Planned pod, java.util.function.Predicate<Source> which) {
        PodSpec spec = pod.original().getSpec();
        for (Volume volume : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
            Source source = source(volume);
            if (source == null || !which.test(source)) {
                continue;
            }
            Map<String, String> values = source.played().get(source.name());
            if (values == null) {
                throw new IllegalStateException(pod.name() + " mounts " + source.kind() + " " + source.name()
                        + ", which is not among the played objects " + source.played().keySet());
            }
            writeVolume(pod, volume.getName(), files(values, source.items()), source.defaultMode());
        }
    }

    /** @return where a volume's files come from, or null when it is neither a Secret nor a ConfigMap volume */
    private Source source(Volume volume) {
        if (volume.getConfigMap() != null) {
            return new Source("ConfigMap", volume.getConfigMap().getName(), volume.getConfigMap().getItems(),
                    volume.getConfigMap().getDefaultMode(), configMaps);
        }
        if (volume.getSecret() != null) {
            return new Source("Secret", volume.getSecret().getSecretName(), volume.getSecret().getItems(),
                    volume.getSecret().getDefaultMode(), data);
        }
        return null;
    }

    /** A Secret or ConfigMap volume: the object's kind and name, the items shown, the mode, the played objects. */
    private record Source(String kind, String name, List<KeyToPath> items, Integer defaultMode,
                          Map<String, Map<String, String>> played) {
    }

    /** @return the files a volume shows: its items' paths, or every key when it names no item */
    private static Map<String, String> files(Map<String, String> values, List<KeyToPath> items) {
        Map<String, String> files = new TreeMap<>();
        if (items == null || items.isEmpty()) {
            files.putAll(values);
        } else {
            items.forEach(item -> files.put(item.getPath(), values.get(item.getKey())));
        }
        return files;
    }

    private void writeVolume(KubeletPods.Planned pod, String volume, Map<String, String> files, Integer defaultMode) {
        PodSpec spec = pod.original().getSpec();
        Long fsGroup = spec.getSecurityContext() == null ? null : spec.getSecurityContext().getFsGroup();
        SecretVolume.create(KubeletPods.volumeDir(root, pod.name(), volume), fsGroup == null ? null : fsGroup.intValue(),
                defaultMode == null ? 0644 : defaultMode).write(files);
    }

    /**
     * The Secret's key changed and the kubelet of each given pod refreshed its volumes; the others keep the old
     * files, as a kubelet that has not synced them yet.
     */
    void refresh(String secretName, String key, String value, List<KubeletPods.Planned> pods) {
        Map<String, String> values = data.get(secretName);
        if (values == null) {
            throw new IllegalArgumentException("no Secret " + secretName + " played; there are " + data.keySet());
        }
        values.put(key, value);
        pods.forEach(p -> write(p, secretName));
    }

    @Override
    public void close() {
        try (var walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // a temp directory; nothing else depends on it
        }
    }
}
