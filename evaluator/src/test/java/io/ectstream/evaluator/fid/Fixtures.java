package io.ectstream.evaluator.fid;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of the committed fixtures in src/test/resources/fixtures. */
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
