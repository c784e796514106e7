using System.Net;
using Fdt.Data.Model;
using Microsoft.EntityFrameworkCore;
using static Fdt.Api.IntegrationTests.Infrastructure.IdentityApi;

namespace Fdt.Api.IntegrationTests.Setup;

public sealed class SetupPageTests
{
    private const string Csp = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetPage_NoUsers_ShowsTheFormWithoutScript()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/setup", Cancel);
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertPageHeaders(response);
        Assert.Contains("<form method=\"post\">", html, StringComparison.Ordinal);
        foreach (var field in new[] { "email", "displayName", "password" })
        {
            Assert.Contains($"name=\"{field}\"", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PostPage_ValidForm_CreatesOperatorThenPageSaysDone()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await PostFormAsync(client, ("email", "Root@Example.com"), ("displayName", "Ada"), ("password", "a long enough password"));
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertPageHeaders(response);
        Assert.Contains("fdt login", html, StringComparison.Ordinal);
        Assert.Contains("root@example.com", html, StringComparison.Ordinal);
        var user = await DbAsync(factory, db => db.Users.Include(u => u.Memberships).SingleAsync(Cancel));
        Assert.True(user.IsOperator);
        Assert.Equal(TeamRole.Owner, Assert.Single(user.Memberships).Role);
        Assert.Single(await AuditedAsync(factory, "setup.complete"));
        Assert.Empty(await DbAsync(factory, db => db.RefreshTokens.ToListAsync(Cancel)));

        using var after = await client.GetAsync("/setup", Cancel);
        var done = await after.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("FDT is set up", done, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", done, StringComparison.Ordinal);
        Assert.DoesNotContain("<a ", done, StringComparison.Ordinal);
        Assert.DoesNotContain("href", done, StringComparison.Ordinal);

        using var again = await PostFormAsync(client, ("email", "mallory@example.com"), ("displayName", "Mallory"), ("password", "a long enough password"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("FDT is set up", await again.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(1, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
    }

    [Fact]
    public async Task PostPage_InvalidInput_ReRendersFormWithEncodedValues()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await PostFormAsync(client, ("email", "\"><script>alert(1)</script>"), ("displayName", "<b>Ada</b>"), ("password", "short"));
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertPageHeaders(response);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>Ada", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;Ada&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("class=\"error\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
    }

    [Fact]
    public async Task PostPage_NotAUrlEncodedForm_Returns415()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var json = await PostAsync(client, "/setup", new { email = "root@example.com", displayName = "Ada", password = "a long enough password" });
        using var multipart = await client.PostAsync("/setup", new MultipartFormDataContent { { new StringContent("root@example.com"), "email" } }, Cancel);

        await ProblemAsync(json, HttpStatusCode.UnsupportedMediaType);
        await ProblemAsync(multipart, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Origin", "http://tunnel.localhost")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task PostPage_CrossSite_Returns403(string header, string value)
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await PostFormAsync(client, (header, value), ("email", "root@example.com"), ("displayName", "Ada"), ("password", "a long enough password"));

        await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(0, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
    }

    [Fact]
    public async Task PostPage_SameOrigin_Accepted()
    {
        await using var factory = CreateFactory();
        using var client = factory.CreateClient();

        using var response = await PostFormAsync(client, ("Origin", "http://localhost"), ("email", "root@example.com"), ("displayName", "Ada"), ("password", "a long enough password"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await DbAsync(factory, db => db.Users.CountAsync(Cancel)));
    }

    /// <summary>Posts the fields as a urlencoded form; a first pair naming a header (Origin, Sec-Fetch-Site) is sent as that header.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/setup");
        var formFields = fields;
        if (fields[0].Name is "Origin" or "Sec-Fetch-Site")
        {
            request.Headers.TryAddWithoutValidation(fields[0].Name, fields[0].Value);
            formFields = fields[1..];
        }

        request.Content = new FormUrlEncodedContent(formFields.Select(f => KeyValuePair.Create(f.Name, f.Value)));
        return await client.SendAsync(request, Cancel);
    }

    private static void AssertPageHeaders(HttpResponseMessage response)
    {
        Assert.Equal(Csp, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }
}
