package io.apppasswords.keycloak.it;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Apple property lists (configuration profiles) read with the JDK's own XML parser, never fetching the DTD. */
public final class Plist {

    private Plist() {
    }

    /** The profile through the JDK's XML parser, the plist read into maps, lists, strings, longs and booleans. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        Element plist = doc.getDocumentElement();
        assertEquals("plist", plist.getTagName());
        assertEquals("plist", doc.getDoctype().getName());
        return (Map<String, Object>) value(children(plist).get(0));
    }

    private static Object value(Element e) {
        switch (e.getTagName()) {
            case "dict" -> {
                Map<String, Object> map = new LinkedHashMap<>();
                List<Element> kids = children(e);
                for (int i = 0; i < kids.size(); i += 2) {
                    assertEquals("key", kids.get(i).getTagName());
                    map.put(kids.get(i).getTextContent(), value(kids.get(i + 1)));
                }
                return map;
            }
            case "array" -> {
                return children(e).stream().map(Plist::value).toList();
            }
            case "string" -> {
                return e.getTextContent();
            }
            case "integer" -> {
                return Long.parseLong(e.getTextContent());
            }
            case "true" -> {
                return true;
            }
            case "false" -> {
                return false;
            }
            default -> throw new AssertionError("not a plist element: " + e.getTagName());
        }
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child) {
                out.add(child);
            }
        }
        return out;
    }
}
