using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Xsl;

namespace Bridge.Publisher.Xml;

/// <summary>
/// Compiles and runs XSLT 1.0 so that neither a stylesheet nor a partner's XML can reach outside the request: no
/// <c>document()</c>, no scripts, no <c>xsl:include</c>/<c>xsl:import</c>, no DTDs or external entities, bounded
/// input, output and time.
/// </summary>
internal static partial class SafeXslt
{
    private const string XsltNamespace = "http://www.w3.org/1999/XSL/Transform";
    private const string MicrosoftXsltNamespace = "urn:schemas-microsoft-com:xslt";

    /// <summary>Compiles <paramref name="xslt"/>, or says why it may not be used.</summary>
    public static (XslCompiledTransform? Transform, string? Error) Compile(string xslt, int maxChars)
    {
        if (xslt.Length > maxChars)
        {
            return (null, $"The stylesheet exceeds {maxChars} characters.");
        }

        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xslt), ReaderSettings(maxChars));
            document = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            return (null, "The stylesheet is not well-formed XML or declares a DTD: " + ex.Message);
        }

        foreach (var element in document.Descendants())
        {
            var line = ((IXmlLineInfo)element).LineNumber;
            if (element.Name.NamespaceName == XsltNamespace && element.Name.LocalName is "include" or "import")
            {
                return (null, $"xsl:{element.Name.LocalName} is not allowed (line {line}): a transform must be self-contained.");
            }

            if (element.Name.NamespaceName == XsltNamespace && element.Name.LocalName == "output"
                && element.Attribute("method")?.Value is { } method && method != "xml")
            {
                return (null, $"xsl:output method=\"{method}\" is not allowed (line {line}): a transform outputs XML of the json-to-xml vocabulary "
                    + $"(map, array, string, number, boolean, null in {JsonXml.Namespace}), which Bridge turns into JSON itself.");
            }

            if (element.Name.NamespaceName == MicrosoftXsltNamespace && element.Name.LocalName == "script")
            {
                return (null, $"msxsl:script is not allowed (line {line}): transforms run no code.");
            }

            if (element.Attributes().FirstOrDefault(a => DocumentCall().IsMatch(a.Value)) is { } attribute)
            {
                return (null, $"document() is not allowed (line {line}, attribute {attribute.Name.LocalName}): a transform reads only the posted XML.");
            }
        }

        try
        {
            var transform = new XslCompiledTransform();
            using var reader = XmlReader.Create(new StringReader(xslt), ReaderSettings(maxChars));
            transform.Load(reader, new XsltSettings(enableDocumentFunction: false, enableScript: false), stylesheetResolver: null);
            return (transform, null);
        }
        catch (XsltException ex)
        {
            return (null, $"The stylesheet does not compile (line {ex.LineNumber}): {ex.Message}");
        }
    }

    /// <summary>Runs <paramref name="transform"/> over <paramref name="xml"/> within the limits; the output text, or why there is none.</summary>
    public static (string? Output, string? Error) Run(XslCompiledTransform transform, ReadOnlyMemory<byte> xml, int maxInputChars, int maxOutputChars, BoundedWriter.Deadline deadline)
    {
        using var writer = new BoundedWriter(maxOutputChars, deadline);
        try
        {
            using var input = new MemoryStream(xml.ToArray(), writable: false);
            using var reader = XmlReader.Create(input, ReaderSettings(maxInputChars));
            transform.Transform(reader, arguments: null, writer);
            return (writer.ToString(), null);
        }
        catch (XmlException ex)
        {
            return (null, "The XML is not well-formed, or declares a DTD or entities (not allowed): " + ex.Message);
        }
        catch (XsltException ex)
        {
            return (null, "The transform failed: " + ex.Message);
        }
        catch (BoundedWriter.LimitException ex)
        {
            return (null, ex.Message);
        }
    }

    private static XmlReaderSettings ReaderSettings(int maxChars) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = maxChars,
        IgnoreProcessingInstructions = true,
    };

    [GeneratedRegex(@"(^|[^\w.-])document\s*\(")]
    private static partial Regex DocumentCall();
}

/// <summary>Collects a transform's output, refusing more than a limit and stopping the transform at its deadline.</summary>
internal sealed class BoundedWriter(int maxChars, BoundedWriter.Deadline deadline) : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
{
    /// <summary>When the transform must have finished; <see cref="Abort"/> stops it at its next output.</summary>
    public sealed class Deadline(DateTimeOffset at, TimeProvider time)
    {
        private volatile bool _aborted;

        public void Abort() => _aborted = true;

        public bool Passed => _aborted || time.GetUtcNow() >= at;
    }

    /// <summary>The output went over a limit.</summary>
    public sealed class LimitException(string message) : Exception(message);

    public override void Write(char value)
    {
        Check(1);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Check(count);
        base.Write(buffer, index, count);
    }

    public override void Write(string? value)
    {
        Check(value?.Length ?? 0);
        base.Write(value);
    }

    private void Check(int adding)
    {
        if (GetStringBuilder().Length + adding > maxChars)
        {
            throw new LimitException($"The transform's output exceeds {maxChars} characters.");
        }

        if (deadline.Passed)
        {
            throw new LimitException("The transform ran past its time limit.");
        }
    }
}
