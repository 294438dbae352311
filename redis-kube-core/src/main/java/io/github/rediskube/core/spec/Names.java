package io.github.rediskube.core.spec;

import java.util.regex.Pattern;

/** Kubernetes' name rules (DNS-1123 / DNS-1035, label keys and values). */
final class Names {

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    private Names() {
    }

    static boolean isDnsLabel(String s) {
        return s != null && s.length() <= 63 && DNS_1123_LABEL.matcher(s).matches();
    }

    static boolean isDns1035Label(String s) {
        return s != null && s.length() <= 63 && DNS_1035_LABEL.matcher(s).matches();
    }

    static boolean isDnsSubdomain(String s) {
        if (s == null || s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (String part : s.split("\\.", -1)) {
            if (!isDnsLabel(part)) {
                return false;
            }
        }
        return true;
    }

    /** A label or annotation key: an optional DNS-subdomain prefix and '/', then a name of at most 63 chars. */
    static boolean isQualifiedKey(String key) {
        if (key == null) {
            return false;
        }
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0 && !isDnsSubdomain(key.substring(0, slash))) {
            return false;
        }
        return name.length() <= 63 && LABEL_NAME.matcher(name).matches();
    }

    static boolean isLabelValue(String value) {
        return value != null && (value.isEmpty() || value.length() <= 63 && LABEL_NAME.matcher(value).matches());
    }
}
