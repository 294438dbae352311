package io.github.rediskube.core.spec;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The user's labels and annotations on every object and pod of a {@link RedisReplicationSpec}, sorted by key.
 * Keys the library sets itself are refused: its selectors and hashes depend on them.
 *
 * @param labels      extra labels
 * @param annotations extra annotations
 */
record ExtraMetadata(Map<String, String> labels, Map<String, String> annotations) {

    ExtraMetadata {
        labels = sorted(labels);
        annotations = sorted(annotations);
    }

    static Map<String, String> sorted(Map<String, String> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }

    void check(Checks checks) {
        checkLabels(checks, "label", "labels", labels);
        checkAnnotations(checks, "annotation", "annotations", annotations);
    }

    /** Checks labels named {@code <key> key} and {@code <field>[key]}: qualified keys, not ours, label values. */
    static void checkLabels(Checks checks, String key, String field, Map<String, String> labels) {
        labels.forEach((name, value) -> {
            if (checks.require(Names.isQualifiedKey(name), key + " key", name,
                    "must be a qualified name ([prefix/]name, name at most 63 characters)",
                    "use e.g. \"team\" or \"example.com/team\"")) {
                checks.require(!SpecChecks.OWNED_LABELS.contains(name) && !name.startsWith(SpecChecks.OWNED_KEY_PREFIX),
                        key + " key", name, "is set by redis-kube (selectors depend on it; keys "
                                + SpecChecks.OWNED_KEY_PREFIX + "* and "
                                + SpecChecks.OWNED_LABELS.stream().sorted().toList() + " are its own)",
                        "choose another key");
            }
            checks.require(Names.isLabelValue(value), field + "[" + name + "]", value,
                    "must be a label value (at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends)",
                    "use e.g. \"payments\"");
        });
    }

    /** Checks annotations named {@code <key> key} and {@code <field>[key]}: qualified keys, not ours, 256 KiB. */
    static void checkAnnotations(Checks checks, String key, String field, Map<String, String> annotations) {
        int size = 0;
        for (Map.Entry<String, String> entry : annotations.entrySet()) {
            if (checks.require(Names.isQualifiedKey(entry.getKey()), key + " key", entry.getKey(),
                    "must be a qualified name ([prefix/]name)", "use e.g. \"example.com/owner\"")) {
                checks.require(!entry.getKey().startsWith(SpecChecks.OWNED_KEY_PREFIX), key + " key",
                        entry.getKey(), "is set by redis-kube (keys " + SpecChecks.OWNED_KEY_PREFIX
                                + "* hold its config and applied hashes)", "choose another key");
            }
            checks.require(entry.getValue() != null, field + "[" + entry.getKey() + "]", null, "must not be null",
                    "use an empty string");
            size += entry.getKey().length() + (entry.getValue() == null ? 0 : entry.getValue().length());
        }
        checks.require(size <= 256 * 1024, field, size + " bytes", "must total at most 256 KiB",
                "store large data in a ConfigMap instead");
    }
}
