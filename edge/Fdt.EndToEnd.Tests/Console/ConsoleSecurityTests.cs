using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests.Console;

/// <summary>
/// The console's protections seen from plain HTTP clients: antiforgery on forms, cookie flags,
/// sign-in redirects, and live streams that end with the session.
/// </summary>
public sealed partial class ConsoleSecurityTests : ConsoleTestBase
{
    [Fact]
    public async Task Forms_WithoutTheAntiforgeryToken_AreRefused_AndTheSessionCookieIsHttpOnlyAndLax()
    {
        using var ops = await ServerOperator.CreateFirstAsync(Server, OperatorEmail, "Ops");
        using var browser = CookieClient(Server.Port);

        var loginPage = await browser.GetStringAsync("/login", Cancel);
        using (var forged = await browser.PostAsync("/login", Form(("Email", OperatorEmail), ("Password", Password)), Cancel))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            Assert.False(forged.Headers.Contains("Set-Cookie") && forged.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("fdt_console=", StringComparison.Ordinal)));
        }

        using (var login = await browser.PostAsync("/login", Form(("Email", OperatorEmail), ("Password", Password), ("__fdt_af", Token(loginPage))), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            Assert.Equal("/tunnels", login.Headers.Location?.OriginalString);
            var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("fdt_console=", StringComparison.Ordinal)).ToLowerInvariant();
            Assert.Contains("httponly", cookie, StringComparison.Ordinal);
            Assert.Contains("samesite=lax", cookie, StringComparison.Ordinal);
            Assert.DoesNotContain("secure", cookie, StringComparison.Ordinal);
        }

        // Signing out is a form too: without the token nothing happens.
        var tunnels = await browser.GetStringAsync("/tunnels", Cancel);
        using (var forged = await browser.PostAsync("/logout", Form(), Cancel))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var stillIn = await browser.GetAsync("/tunnels", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }

        using (var logout = await browser.PostAsync("/logout", Form(("__fdt_af", Token(tunnels))), Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        }

        using var after = await browser.GetAsync("/tunnels", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location?.PathAndQuery ?? after.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_PagesRedirectToSignIn_LiveAndFragmentRequestsGet401()
    {
        using var ops = await ServerOperator.CreateFirstAsync(Server, OperatorEmail, "Ops");
        using var anonymous = CookieClient(Server.Port);

        using (var page = await anonymous.GetAsync("/inspect", Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login?returnUrl=%2Finspect", page.Headers.Location?.PathAndQuery);
        }

        using (var live = new HttpRequestMessage(HttpMethod.Get, "/live?topics=tunnels"))
        {
            live.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await anonymous.SendAsync(live, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var fragment = new HttpRequestMessage(HttpMethod.Get, "/tunnels?handler=List"))
        {
            fragment.Headers.Add("HX-Request", "true");
            using var response = await anonymous.SendAsync(fragment, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task LiveStream_EndsWhenTheSessionDoes_AndRefusesUnknownTopics()
    {
        using var ops = await ServerOperator.CreateFirstAsync(Server, OperatorEmail, "Ops");
        using var browser = await SignedInClientAsync(Server.Port);

        using (var unknown = await browser.GetAsync("/live?topics=everything", Cancel))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        }

        using var live = await browser.GetAsync("/live?topics=tunnels", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("text/event-stream", live.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await live.Content.ReadAsStreamAsync(Cancel));

        // The password changes elsewhere (through the API): every session of the account ends,
        // and the open stream says so.
        using var api = await ApiAsync(OperatorEmail);
        using (var change = await api.PostAsJsonAsync("/v1/auth/password", new { currentPassword = Password, newPassword = "another long password" }, Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && line != "event: session-ended");

        Assert.Equal("event: session-ended", line);
    }

    [Fact]
    public async Task SecureCookiesSetting_MarksTheSessionCookieSecureOnPlainHttp()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-console-secure-{Guid.NewGuid():N}");
        try
        {
            await using var server = await ServerProcess.StartAsync(directory, null, roles: "api,console", extra: ["--Console:SecureCookies=true"]);
            using var ops = await ServerOperator.CreateFirstAsync(server, OperatorEmail, "Ops");

            // A client that keeps no cookies: secure cookies would not travel back over plain HTTP.
            using var browser = LoopbackHttp.CreateClient(server.Port);
            browser.BaseAddress = server.Url;
            using var loginPage = await browser.GetAsync("/login", Cancel);
            var antiforgery = loginPage.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("fdt_af=", StringComparison.Ordinal));
            Assert.Contains("secure", antiforgery.ToLowerInvariant(), StringComparison.Ordinal);

            using var post = new HttpRequestMessage(HttpMethod.Post, "/login")
            {
                Content = Form(("Email", OperatorEmail), ("Password", Password), ("__fdt_af", Token(await loginPage.Content.ReadAsStringAsync(Cancel)))),
            };
            post.Headers.Add("Cookie", antiforgery.Split(';')[0]);
            using var login = await browser.SendAsync(post, Cancel);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("fdt_console=", StringComparison.Ordinal)).ToLowerInvariant();
            Assert.Contains("secure", cookie, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static HttpClient CookieClient(int port)
    {
        var handler = LoopbackHttp.CreateHandler(port);
        handler.UseCookies = true;
        handler.CookieContainer = new CookieContainer();
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    private static async Task<HttpClient> SignedInClientAsync(int port)
    {
        var client = CookieClient(port);
        var loginPage = await client.GetStringAsync("/login", Cancel);
        using var login = await client.PostAsync("/login", Form(("Email", OperatorEmail), ("Password", Password), ("__fdt_af", Token(loginPage))), Cancel);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields)
        => new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static string Token(string html) => AntiforgeryField().Match(html) is { Success: true } match
        ? WebUtility.HtmlDecode(match.Groups[1].Value)
        : throw new InvalidOperationException("No antiforgery field in the page.");

    [GeneratedRegex("name=\"__fdt_af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
