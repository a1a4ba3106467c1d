using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Support;

namespace Bridge.Tests.Xml;

public sealed class XmlPartnerTests(XmlPartnerFixture fixture) : IClassFixture<XmlPartnerFixture>
{
    private const string Stylesheet = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"{0}><xsl:output method="xml"/>{1}<xsl:template match="/"><map xmlns="http://www.w3.org/2005/xpath-functions"/></xsl:template></xsl:stylesheet>""";

    public static TheoryData<string, string, string?, string, int, string> HostilePublishes => new()
    {
        { "an XML bomb (billion laughs)", "bootstrap", null, """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><order id="&lol3;"/>""", 422, "transform-failed" },
        { "an external entity (file)", "bootstrap", null, """<?xml version="1.0"?><!DOCTYPE order [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><order id="&xxe;"/>""", 422, "transform-failed" },
        { "an external entity (http)", "bootstrap", null, """<?xml version="1.0"?><!DOCTYPE order [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]><order id="&xxe;"/>""", 422, "transform-failed" },
        { "a parameter entity", "bootstrap", null, """<?xml version="1.0"?><!DOCTYPE order [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]><order/>""", 422, "transform-failed" },
        { "a bare DOCTYPE", "bootstrap", null, """<?xml version="1.0"?><!DOCTYPE order><order id="1"/>""", 422, "transform-failed" },
        { "malformed XML", "bootstrap", null, """<order id="1"><amount>1500</order>""", 422, "transform-failed" },
        { "XML whose transform makes a number that is not a number", "bootstrap", null, """<order id="12345"><amount>1500, "injected": 1</amount></order>""", 422, "transform-failed" },
        { "a transform past its time limit", "slow", null, XmlPartnerFixture.ManyElements(3000), 422, "transform-failed" },
        { "a transform output over the limit", "big", null, XmlPartnerFixture.ManyElements(1000), 422, "transform-failed" },
        { "XML over the size limit", "bootstrap", null, "<order>" + new string('a', 70_000) + "</order>", 413, "payload-too-large" },
        { "XML from a publisher without a transform", "jsononly", null, XmlPartnerFixture.OrderXml, 415, "unsupported-media-type" },
        { "XML with a wrong content type", "bootstrap", "text/plain", XmlPartnerFixture.OrderXml, 415, "unsupported-media-type" },
    };

    public static TheoryData<string, string, int, string> HostileTransforms => new()
    {
        { "document()", string.Format(Stylesheet, "", """<xsl:variable name="d" select="document('file:///etc/passwd')"/>"""), 422, "invalid-transform" },
        { "an embedded script", string.Format(Stylesheet, """ xmlns:msxsl="urn:schemas-microsoft-com:xslt" xmlns:u="urn:u" """, """<msxsl:script language="C#" implements-prefix="u">public string f() { return ""; }</msxsl:script>"""), 422, "invalid-transform" },
        { "xsl:include", string.Format(Stylesheet, "", """<xsl:include href="file:///etc/other.xsl"/>"""), 422, "invalid-transform" },
        { "xsl:import", string.Format(Stylesheet, "", """<xsl:import href="http://127.0.0.1:9/other.xsl"/>"""), 422, "invalid-transform" },
        { "a DTD in the stylesheet", """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>""" + string.Format(Stylesheet, "", ""), 422, "invalid-transform" },
        { "a stylesheet that does not compile", string.Format(Stylesheet, "", """<xsl:template match="/x"><xsl:value-of select="((("/></xsl:template>"""), 422, "invalid-transform" },
        { "not XML at all", "this is not a stylesheet", 422, "invalid-transform" },
    };

    [Fact]
    public async Task A_partners_xml_becomes_the_canonical_json_event_and_is_delivered()
    {
        using var client = fixture.Bridge.CreateClient();
        using var response = await client.SendAsync(Xml(XmlPartnerFixture.OrderXml, "bootstrap", type: "order.created"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        var messageId = JsonDocument.Parse(body).RootElement.GetProperty("messageId").GetString();
        var delivered = (await fixture.Receiver["sink"].WaitForAsync(1, TimeSpan.FromSeconds(30))).Select(r => r.Json)
            .Single(e => e.GetProperty("id").GetString() == messageId);
        Assert.Equal("application/json", delivered.GetProperty("datacontenttype").GetString());
        Assert.Equal("order.created", delivered.GetProperty("type").GetString());
        Assert.Equal("bootstrap/1", delivered.GetProperty("transform").GetString());
        var data = delivered.GetProperty("data");
        Assert.Equal("12345", data.GetProperty("orderId").GetString());
        Assert.Equal("789", data.GetProperty("customerId").GetString());
        Assert.Equal(1500, data.GetProperty("amount").GetInt32());
        Assert.Equal("Dataverse", data.GetProperty("source").GetString());
        Assert.Equal("2025-06-14T10:00:00Z", data.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Registering_the_same_stylesheet_again_answers_the_existing_version_and_versions_are_listed()
    {
        using var admin = fixture.Bridge.CreateClient();
        using var again = await admin.PostAsJsonAsync("/api/publishers/bootstrap/transforms", new { xslt = XmlPartnerFixture.OrderTransform });
        var list = JsonDocument.Parse(await admin.GetStringAsync("/api/publishers/bootstrap/transforms")).RootElement;
        using var missing = await admin.GetAsync("/api/publishers/bootstrap/transforms/99");
        using var unknown = await admin.PostAsJsonAsync("/api/publishers/nobody/transforms", new { xslt = XmlPartnerFixture.OrderTransform });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt32());
        Assert.Equal(1, list.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [MemberData(nameof(HostilePublishes))]
    public async Task Hostile_xml_is_refused_with_a_problem_and_stores_nothing(string what, string publisher, string? contentType, string xml, int status, string problem)
    {
        using var client = fixture.Bridge.CreateAnonymousClient();
        var (before, _) = await StoreSnapshot.SettledAsync(fixture.Data.Path, () => 0, TimeSpan.FromSeconds(20));

        using var response = await client.SendAsync(Xml(xml, publisher, contentType));

        await AssertProblemAsync(response, what, status, problem);
        await Task.Delay(300);
        before.AssertUnchanged(StoreSnapshot.Take(fixture.Data.Path), what);
    }

    [Theory]
    [MemberData(nameof(HostileTransforms))]
    public async Task A_stylesheet_that_could_reach_outside_the_request_is_refused_and_stores_nothing(string what, string xslt, int status, string problem)
    {
        using var admin = fixture.Bridge.CreateClient();
        var (before, _) = await StoreSnapshot.SettledAsync(fixture.Data.Path, () => 0, TimeSpan.FromSeconds(20));

        using var response = await admin.PostAsJsonAsync("/api/publishers/jsononly/transforms", new { xslt });

        await AssertProblemAsync(response, what, status, problem);
        before.AssertUnchanged(StoreSnapshot.Take(fixture.Data.Path), what);
    }

    private HttpRequestMessage Xml(string xml, string publisher, string? contentType = null, string? type = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/topics/erp-events/events") { Content = new StringContent(xml, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/xml");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", publisher == "bootstrap" ? fixture.Bridge.BootstrapKey : fixture.Keys[publisher]);
        if (type is not null)
        {
            request.Headers.Add("ce-type", type);
        }
        return request;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string what, int status, string problem)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{what}: expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:bridge:problem:" + problem, json.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()), what);
    }
}
