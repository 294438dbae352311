package io.github.rediskube.core.spec;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Kubernetes resource quantities ("4096M", "1Gi", "500m"), parsed strictly. */
final class Quantities {

    /** The grammar of resource.Quantity: a signed decimal, then a binary/decimal suffix or an exponent. */
    private static final Pattern QUANTITY =
            Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");

    private Quantities() {
    }

    static boolean isQuantity(String text) {
        return text != null && QUANTITY.matcher(text).matches();
    }

    /** The quantity's value in its base unit (bytes for memory, cores for CPU). */
    static BigDecimal amount(String text) {
        if (!isQuantity(text)) {
            throw new IllegalArgumentException("not a Kubernetes quantity: " + text);
        }
        return Quantity.getAmountInBytes(new Quantity(text));
    }

    static boolean isPositive(String text) {
        return isQuantity(text) && amount(text).signum() > 0;
    }
}
