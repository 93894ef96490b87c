package io.ectstream.fidtools;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of fid-tools' committed fixtures in src/test/resources/fixtures (files, not entries of a test-jar). */
public final class Fixtures {
    private Fixtures() {}

    public static Path path(String name) {
        try {
            var url = Fixtures.class.getClassLoader().getResource("fixtures/" + name);
            if (url == null) {
                throw new IllegalStateException("missing test fixture " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
