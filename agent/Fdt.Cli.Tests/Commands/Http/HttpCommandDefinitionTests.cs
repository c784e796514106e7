using System.CommandLine;
using Fdt.Agent;
using Fdt.Cli.Commands;
using Fdt.Cli.Commands.Http;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Tests.Commands.Http;

/// <summary>Parsing <c>fdt http</c>: nothing runs, only the parse result is checked.</summary>
public sealed class HttpCommandDefinitionTests : IDisposable
{
    private readonly TestCli _cli = new();
    private readonly RootCommand _root;
    private readonly HttpCommandDefinition _http;

    public HttpCommandDefinitionTests()
    {
        _root = FdtRootCommand.Create(_cli.CreateContext());
        _http = _root.Subcommands.OfType<HttpCommandDefinition>().Single();
    }

    public static TheoryData<string, string, int, bool> TargetForms => new()
    {
        { "3000", "localhost", 3000, false },
        { "example.test:8080", "example.test", 8080, false },
        { "127.0.0.1:5000", "127.0.0.1", 5000, false },
        { "[::1]:3000", "::1", 3000, false },
        { "http://localhost:3000", "localhost", 3000, false },
        { "https://localhost:8443", "localhost", 8443, true },
        { "https://127.0.0.1", "127.0.0.1", 443, true },
    };

    [Theory]
    [MemberData(nameof(TargetForms))]
    public void Parse_TargetForm_YieldsLocalTarget(string target, string host, int port, bool tls)
    {
        var input = ParseValid("http", target);

        Assert.Equal(new LocalTarget(host, port, tls), input.Target);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("localhost:")]
    [InlineData("ftp://localhost:21")]
    [InlineData("http://localhost:3000/app")]
    public void Parse_InvalidTarget_ReportsError(string target)
    {
        var result = _root.Parse(["http", target]);

        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Parse_MissingTarget_ReportsError()
    {
        var result = _root.Parse(["http"]);

        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Parse_EveryOption_BindsItsValue()
    {
        var input = ParseValid(
            "http", "3000",
            "--subdomain", "myapp",
            "--server", "https://fdt.example.com",
            "--authtoken", "tok_123",
            "--host-header", "rewrite",
            "--log", "json",
            "--insecure",
            "--transport", "websocket");

        Assert.Equal("myapp", input.Subdomain);
        Assert.Equal("https://fdt.example.com", input.Server);
        Assert.Equal("tok_123", input.Authtoken);
        Assert.Equal("rewrite", input.HostHeader);
        Assert.Equal("json", input.Log);
        Assert.True(input.Insecure);
        Assert.Equal(AgentTransport.WebSocket, input.Transport);
    }

    [Fact]
    public void Parse_NoOptions_LeavesEveryOptionUnset()
    {
        var input = ParseValid("http", "3000");

        Assert.Null(input.Subdomain);
        Assert.Null(input.Server);
        Assert.Null(input.Authtoken);
        Assert.Null(input.HostHeader);
        Assert.Null(input.Log);
        Assert.False(input.Insecure);
        Assert.Equal(AgentTransport.Auto, input.Transport);
    }

    [Fact]
    public void Parse_NameAlias_SetsSubdomain()
    {
        var input = ParseValid("http", "--name", "other", "8080");

        Assert.Equal("other", input.Subdomain);
        Assert.Equal(8080, input.Target.Port);
    }

    [Fact]
    public void Parse_HostHeaderValue_KeptAsGiven()
    {
        var input = ParseValid("http", "3000", "--host-header", "app.internal:3000");

        Assert.Equal("app.internal:3000", input.HostHeader);
    }

    [Theory]
    [InlineData("tui")]
    [InlineData("text")]
    [InlineData("json")]
    [InlineData("none")]
    [InlineData("JSON")]
    public void Parse_KnownLogFormat_Accepted(string format)
    {
        var input = ParseValid("http", "3000", "--log", format);

        Assert.Equal(format, input.Log);
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("yaml")]
    public void Parse_UnknownLogFormat_ReportsError(string format)
    {
        var result = _root.Parse(["http", "3000", "--log", format]);

        Assert.Contains(result.Errors, error => error.Message.Contains(format, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--host-header", "")]
    [InlineData("--host-header", "a\nb")]
    [InlineData("--subdomain", " ")]
    public void Parse_BlankOrControlValue_ReportsError(string option, string value)
    {
        var result = _root.Parse(["http", "3000", option, value]);

        Assert.Contains(result.Errors, error => error.Message.Contains(option, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownOption_ReportsError()
    {
        var result = _root.Parse(["http", "3000", "--region", "eu"]);

        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public async Task Invoke_ParseError_ReturnsUsageExitCodeWithoutRunningTheAgent()
    {
        var exitCode = await _cli.RunAsync("http", "3000", "--log", "xml");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Empty(_cli.Agents);
        Assert.Contains("xml", _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("fdt http --help", _cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SchemeAndRedirect_ReachTheInput()
    {
        var input = ParseValid("http", "3000", "--scheme", "https", "--redirect-https");

        Assert.Equal(("https", true), (input.Scheme, input.RedirectHttps));
        Assert.Equal((null, false), (ParseValid("http", "3000").Scheme, ParseValid("http", "3000").RedirectHttps));
    }

    [Fact]
    public void Parse_UnknownScheme_IsAUsageError()
    {
        Assert.NotEmpty(_root.Parse(["http", "3000", "--scheme", "ftp"]).Errors);
    }

    [Fact]
    public void Parse_PolicyOptions_BecomeThePolicy()
    {
        var input = ParseValid("http", "3000", "--basic-auth", "ada:s3cret", "--basic-auth", "bob:pw", "--cidr-allow", "10.0.0.0/8,2001:db8::/32", "--cidr-deny", "10.1.0.0/16", "--max-request-body", "1048576");

        Assert.Equal(["ada:s3cret", "bob:pw"], input.Policy!.BasicAuth);
        Assert.Equal(["10.0.0.0/8", "2001:db8::/32"], input.Policy.CidrAllow);
        Assert.Equal(["10.1.0.0/16"], input.Policy.CidrDeny);
        Assert.Equal(1048576, input.Policy.MaxRequestBodyBytes);
        Assert.Null(ParseValid("http", "3000").Policy);
    }

    [Fact]
    public void Parse_LimitHeaderWebhookAndBreakerOptions_BecomeThePolicy()
    {
        var input = ParseValid(
            "http", "3000", "--rate-limit", "100/m", "--tunnel-rate-limit", "1000/h", "--request-timeout", "1500ms", "--max-concurrent-requests", "20",
            "--request-header-add", "X-Team: platform", "--request-header-remove", "Cookie,X-Debug", "--response-header-add", "X-Frame-Options: DENY",
            "--response-header-remove", "Server", "--verify-webhook", "stripe", "--verify-webhook-secret", "whsec_1", "--circuit-breaker", "5", "--circuit-breaker-open", "30s");
        var policy = input.Policy!;

        Assert.Equal(("100/m", "1000/h", 1.5, 20), (policy.RateLimit, policy.TunnelRateLimit, policy.RequestTimeoutSeconds, policy.MaxConcurrentRequests));
        Assert.Equal(["X-Team: platform"], policy.RequestHeadersAdd);
        Assert.Equal(["Cookie", "X-Debug"], policy.RequestHeadersRemove);
        Assert.Equal(["X-Frame-Options: DENY"], policy.ResponseHeadersAdd);
        Assert.Equal(["Server"], policy.ResponseHeadersRemove);
        Assert.Equal(new WebhookVerificationRequest { Provider = "stripe", Secret = "whsec_1" }, policy.VerifyWebhook);
        Assert.Equal((5, 30.0), (policy.CircuitBreakerFailures, policy.CircuitBreakerSeconds));
    }

    [Theory]
    [InlineData("--rate-limit", "100/week")]
    [InlineData("--request-timeout", "soon")]
    [InlineData("--request-header-add", "no colon")]
    [InlineData("--request-header-remove", "Host")]
    [InlineData("--verify-webhook", "paypal")]
    [InlineData("--verify-webhook", "github")]
    [InlineData("--max-concurrent-requests", "0")]
    public void Parse_MalformedPolicyOption_IsAUsageError(string option, string value)
    {
        Assert.NotEmpty(_root.Parse(["http", "3000", option, value]).Errors);
    }

    [Theory]
    [InlineData("nopassword")]
    [InlineData(":pw")]
    [InlineData("ada:")]
    public void Parse_MalformedBasicAuth_IsAUsageError(string value)
    {
        Assert.NotEmpty(_root.Parse(["http", "3000", "--basic-auth", value]).Errors);
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Parse_InspectorDefaults_OnWithDefaultLimits()
    {
        var input = ParseValid("http", "3000");

        Assert.True(input.Inspect);
        Assert.Null(input.InspectAddress);
        Assert.Equal(new Fdt.Agent.Inspection.CaptureOptions(), input.Capture);
    }

    [Fact]
    public void Parse_InspectFalse_AsksTheEdgeNotToCaptureEither()
    {
        Assert.False(ParseValid("http", "3000", "--inspect=false").Policy?.Inspect);
        Assert.Null(ParseValid("http", "3000").Policy);
        Assert.Null(ParseValid("http", "3000", "--inspect", "--basic-auth", "a:b").Policy!.Inspect);
    }

    [Theory]
    [InlineData("--inspect=false", false)]
    [InlineData("--inspect:false", false)]
    [InlineData("--inspect", true)]
    [InlineData("--inspect=true", true)]
    public void Parse_Inspect_TurnsTheInspectorOnOrOff(string flag, bool expected)
        => Assert.Equal(expected, ParseValid("http", "3000", flag).Inspect);

    [Fact]
    public void Parse_InspectorOptions_YieldAddressAndLimits()
    {
        var input = ParseValid("http", "3000", "--inspect-addr", "0.0.0.0:4141", "--inspect-body-limit", "2MiB", "--inspect-max-requests", "50", "--inspect-memory", "256MiB");

        Assert.Equal(new Fdt.Agent.Inspection.Web.InspectorAddress("0.0.0.0", 4141), input.InspectAddress);
        Assert.Equal(2 * 1024 * 1024, input.Capture.BodyLimit);
        Assert.Equal(50, input.Capture.MaxExchanges);
        Assert.Equal(256L * 1024 * 1024, input.Capture.MemoryLimit);
    }

    [Theory]
    [InlineData("--inspect-addr", "4040")]
    [InlineData("--inspect-addr", "http://127.0.0.1:4040")]
    [InlineData("--inspect-body-limit", "lots")]
    [InlineData("--inspect-body-limit", "-1")]
    [InlineData("--inspect-max-requests", "0")]
    [InlineData("--inspect-memory", "1KiB")]
    public void Parse_BadInspectorOption_IsAnError(string option, string value)
    {
        var result = _root.Parse(["http", "3000", option, value]);

        Assert.NotEmpty(result.Errors);
    }

    private HttpCommandInput ParseValid(params string[] args)
    {
        var result = _root.Parse(args);
        Assert.Empty(result.Errors);
        Assert.Same(_http, result.CommandResult.Command);
        return _http.GetInput(result);
    }
}
