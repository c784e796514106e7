using System.Net;
using System.Text;
using Fdt.Cli.Api;
using Fdt.Cli.Commands.Login;

namespace Fdt.Cli.Tests.Api;

public sealed class ApiResponseTests
{
    [Fact]
    public void ReadJson_ValidBody_Deserializes()
    {
        var response = Answer(HttpStatusCode.OK, """{"authtoken":"fdt_x","teamId":"7c7dcf2c-eeb0-47ec-8de9-9b9a3b71c579","teamName":"Ops"}""");

        var token = response.ReadJson(LoginJsonContext.Default.DeviceTokenResponse);

        Assert.Equal(new DeviceTokenResponse("fdt_x", Guid.Parse("7c7dcf2c-eeb0-47ec-8de9-9b9a3b71c579"), "Ops"), token);
    }

    [Theory]
    [InlineData("<html>not json</html>")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("""{"teamId": 5}""")]
    public void ReadJson_NotTheExpectedJson_ThrowsExitCodeOneNamingTheRequest(string body)
    {
        var response = Answer(HttpStatusCode.OK, body);

        var exception = Assert.Throws<ApiException>(() => response.ReadJson(LoginJsonContext.Default.DeviceTokenResponse));

        Assert.Equal(ExitCodes.UnexpectedError, exception.Error.ExitCode);
        Assert.StartsWith("The server's answer to POST /v1/device/token (200 OK) is not what fdt expects", exception.Error.Message, StringComparison.Ordinal);
        Assert.NotNull(exception.Error.Hint);
    }

    [Fact]
    public void ReadJson_TooLarge_ThrowsExitCodeOne()
    {
        var response = new ApiResponse("GET /v1/agent/tunnels", HttpStatusCode.OK, "OK", body: null);

        var exception = Assert.Throws<ApiException>(() => response.ReadJson(LoginJsonContext.Default.DeviceError));

        Assert.Equal(ExitCodes.UnexpectedError, exception.Error.ExitCode);
        Assert.Equal("The server's answer to GET /v1/agent/tunnels is larger than 64 KiB; is the server URL an FDT server?", exception.Error.Message);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("not json")]
    [InlineData("")]
    public void TryReadJson_NotAnObject_Null(string body)
    {
        Assert.Null(Answer(HttpStatusCode.BadRequest, body).TryReadJson(LoginJsonContext.Default.DeviceError));
    }

    [Fact]
    public void Describe_ProblemDetails_StatusAndDetail()
    {
        var response = Answer(HttpStatusCode.NotFound, """{"type":"x","title":"Tunnel not found","status":404,"detail":"The team has no live tunnel with this id."}""");

        Assert.Equal("404 Not Found: The team has no live tunnel with this id.", response.Describe());
    }

    [Fact]
    public void Describe_TitleOnlyWithControlCharacters_TitleMadePrintable()
    {
        var response = Answer(HttpStatusCode.TooManyRequests, "{\"title\":\"Too many\\u001b[2J attempts\"}");

        Assert.Equal("429 Too Many Requests: Too many?[2J attempts", response.Describe());
    }

    [Fact]
    public void Unexpected_ServerError_ExitCodeOneWithStatusAndCode()
    {
        var response = Answer(HttpStatusCode.InternalServerError, """{"title":"Boom","code":"ERR_FDT_9999"}""");

        var error = response.Unexpected().Error;

        Assert.Equal(new CliError(ExitCodes.UnexpectedError, "The server answered POST /v1/device/token with 500 Internal Server Error: Boom", "ERR_FDT_9999"), error);
    }

    [Fact]
    public void Unexpected_Redirect_HintsTheFinalUrl()
    {
        var response = new ApiResponse("GET /v1/agent/tunnels", HttpStatusCode.MovedPermanently, "Moved Permanently", [], new Uri("https://fdt.example.com/v1/agent/tunnels"));

        var error = response.Unexpected().Error;

        Assert.Contains("redirects to https://fdt.example.com/v1/agent/tunnels", error.Hint, StringComparison.Ordinal);
    }

    private static ApiResponse Answer(HttpStatusCode status, string body)
        => new("POST /v1/device/token", status, new HttpResponseMessage(status).ReasonPhrase, Encoding.UTF8.GetBytes(body));
}
