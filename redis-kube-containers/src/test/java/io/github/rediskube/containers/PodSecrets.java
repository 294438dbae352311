package io.github.rediskube.containers;

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
 * What the kubelet does for the pods' Secret volumes, on host directories a pod mounts as {@code hostPath}
 * ({@link KubeletPods#secretDir}): writes each Secret's items (or every key) as files, group the pod's
 * fsGroup, and rewrites them atomically when a test plays a kubelet's refresh after the Secret changed.
 */
final class PodSecrets implements AutoCloseable {

    private final Path root;
    /** Each Secret's data (decoded), by name. */
    private final Map<String, Map<String, String>> data = new LinkedHashMap<>();

    private PodSecrets(Path root) {
        this.root = root;
    }

    /** @return an empty set under a new temporary directory named with the run's prefix */
    static PodSecrets create(String prefix) {
        try {
            return new PodSecrets(Files.createTempDirectory(prefix + "secrets"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the directory under which each pod's Secret volumes are */
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

    /** Writes the pod's Secret volumes: those of {@code secretName}, or all when it is null. */
    void write(KubeletPods.Planned pod, String secretName) {
        PodSpec spec = pod.original().getSpec();
        Long fsGroup = spec.getSecurityContext() == null ? null : spec.getSecurityContext().getFsGroup();
        for (Volume volume : spec.getVolumes() == null ? List.<Volume>of() : spec.getVolumes()) {
            if (volume.getSecret() == null || (secretName != null && !secretName.equals(volume.getSecret().getSecretName()))) {
                continue;
            }
            Map<String, String> values = data.get(volume.getSecret().getSecretName());
            if (values == null) {
                throw new IllegalStateException(pod.name() + " mounts Secret " + volume.getSecret().getSecretName()
                        + ", which is not among the played objects " + data.keySet());
            }
            Map<String, String> files = new TreeMap<>();
            if (volume.getSecret().getItems() == null || volume.getSecret().getItems().isEmpty()) {
                files.putAll(values);
            } else {
                volume.getSecret().getItems().forEach(item -> files.put(item.getPath(), values.get(item.getKey())));
            }
            SecretVolume dir = SecretVolume.create(KubeletPods.secretDir(root, pod.name(), volume.getName()),
                    fsGroup == null ? null : fsGroup.intValue());
            dir.write(files);
        }
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
