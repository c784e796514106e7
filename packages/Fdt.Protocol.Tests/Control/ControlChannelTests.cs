using System.Buffers.Binary;
using System.Text;
using Fdt.Protocol.Control;
using Fdt.Testing;

namespace Fdt.Protocol.Tests.Control;

public sealed class ControlChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<ControlMessage> Messages => new()
    {
        new HelloMessage { ProtocolVersion = 1, Authtoken = "tok", AgentVersion = "0.1.0", Platform = "linux/x64", ResumeKey = "rk" },
        new HelloResultMessage { Ok = true, SessionId = "s1", Account = "dev", EdgeId = "edge-1" },
        new HelloResultMessage { Ok = false, Error = new ControlError(ErrorCodes.AuthenticationFailed, "bad token") },
        new BindMessage { RequestId = 7, Protocol = TunnelProtocol.Http, Name = "myapp", LocalAddress = "http://localhost:3000", HostHeader = "rewrite" },
        new BindResultMessage { RequestId = 7, Ok = true, TunnelId = "t1", Name = "myapp", Urls = ["http://myapp.localhost:8080"] },
        new BindResultMessage { RequestId = 8, Ok = false, Error = new ControlError(ErrorCodes.NameInUse, "taken") { RetryAfterSeconds = 30 } },
        new UnbindMessage { TunnelId = "t1", Error = new ControlError(ErrorCodes.TunnelStopped, "stopped by an operator") },
        new NoticeMessage { Level = "warning", Code = "X", Message = "hello" },
        new DrainMessage { Reason = "restart", ReconnectAfterMilliseconds = 500 },
        new RequestDeniedMessage { TunnelId = "t1", Method = "GET", Path = "/x?y=1", Status = 429, Code = ErrorCodes.RateLimited, Rule = "rate-limit", Reason = "visitor", RemoteAddress = "2001:db8::1", Suppressed = 3 },
        new BindMessage
        {
            RequestId = 9,
            Protocol = TunnelProtocol.Http,
            Policy = new TunnelPolicyRequest
            {
                BasicAuth = ["a:b"], CidrAllow = ["10.0.0.0/8"], RateLimit = "100/m", TunnelRateLimit = "1000/h", RequestTimeoutSeconds = 30, MaxConcurrentRequests = 10,
                RequestHeadersAdd = ["X-A: 1"], RequestHeadersRemove = ["Cookie"], ResponseHeadersAdd = ["X-B: 2"], ResponseHeadersRemove = ["Server"], HostHeader = "rewrite",
                VerifyWebhook = new WebhookVerificationRequest { Provider = "stripe", Secret = "whsec_1", ToleranceSeconds = 60 }, CircuitBreakerFailures = 5, CircuitBreakerSeconds = 10,
            },
        },
    };

    [Fact]
    public void EveryMessageKind_IsKnownToTheDecoder()
    {
        var kinds = typeof(ControlMessage).GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonDerivedTypeAttribute), false)
            .Cast<System.Text.Json.Serialization.JsonDerivedTypeAttribute>().ToList();

        Assert.NotEmpty(kinds);
        foreach (var kind in kinds)
        {
            // Without its required properties a known kind fails to read; an unknown one is skipped.
            try
            {
                var decoded = ControlChannel.Decode(Encoding.UTF8.GetBytes("{\"type\":\"" + kind.TypeDiscriminator + "\"}"));
                Assert.IsNotType<UnknownControlMessage>(decoded, exactMatch: true);
            }
            catch (ControlProtocolException)
            {
            }
        }
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task SendThenReceive_RoundTripsEveryMessageKind(ControlMessage message)
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        var sender = new ControlChannel(a);
        var receiver = new ControlChannel(b);
        await sender.SendAsync(message, Ct);
        var received = await receiver.ReceiveAsync(Ct);
        Assert.Equal(ControlChannel.Encode(message), ControlChannel.Encode(received!));
        Assert.Equal(message.GetType(), received!.GetType());
    }

    [Fact]
    public void Encode_Hello_MatchesGoldenJson()
    {
        var frame = ControlChannel.Encode(new HelloMessage { ProtocolVersion = 1, Authtoken = "secret", AgentVersion = "0.1.0" });
        var json = Encoding.UTF8.GetString(frame.AsSpan(4));
        Assert.Equal("""{"type":"hello","protocolVersion":1,"authtoken":"secret","agentVersion":"0.1.0"}""", json);
        Assert.Equal((uint)json.Length, BinaryPrimitives.ReadUInt32BigEndian(frame));
    }

    [Fact]
    public void Encode_BindResult_MatchesGoldenJson()
    {
        var frame = ControlChannel.Encode(new BindResultMessage { RequestId = 1, Ok = true, TunnelId = "t", Name = "a", Urls = ["http://a.localhost:8080"] });
        Assert.Equal(
            """{"type":"bindResult","requestId":1,"ok":true,"tunnelId":"t","name":"a","urls":["http://a.localhost:8080"]}""",
            Encoding.UTF8.GetString(frame.AsSpan(4)));
    }

    [Fact]
    public async Task Receive_LengthAboveLimit_ThrowsBeforeReadingBody()
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, 0x7FFFFFFF);
        await a.WriteAsync(prefix, Ct);
        var error = await Assert.ThrowsAsync<ControlProtocolException>(() => new ControlChannel(b, 1024).ReceiveAsync(Ct));
        Assert.Contains("outside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_ZeroLength_Throws()
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        await a.WriteAsync(new byte[4], Ct);
        await Assert.ThrowsAsync<ControlProtocolException>(() => new ControlChannel(b).ReceiveAsync(Ct));
    }

    [Fact]
    public async Task Receive_EndBetweenMessages_ReturnsNull()
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        await a.DisposeAsync();
        Assert.Null(await new ControlChannel(b).ReceiveAsync(Ct));
    }

    [Fact]
    public async Task Receive_EndInsideMessage_Throws()
    {
        var (a, b) = DuplexPipeStream.CreatePair();
        var frame = ControlChannel.Encode(new NoticeMessage { Level = "info", Message = "x" });
        await a.WriteAsync(frame.AsMemory(0, frame.Length - 2), Ct);
        await a.DisposeAsync();
        await Assert.ThrowsAsync<ControlProtocolException>(() => new ControlChannel(b).ReceiveAsync(Ct));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"notype":1}""")]
    [InlineData("""{"type":5}""")]
    [InlineData("""{"type":"bind","requestId":"x"}""")]
    public void Decode_Malformed_ThrowsControlProtocolException(string json)
    {
        Assert.Throws<ControlProtocolException>(() => ControlChannel.Decode(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Decode_UnknownType_IsSkippableNotFatal()
    {
        var message = ControlChannel.Decode("""{"type":"futureThing","x":1}"""u8);
        Assert.Equal("futureThing", Assert.IsType<UnknownControlMessage>(message).Type);
    }

    [Fact]
    public void Decode_TypeNotFirst_StillWorks()
    {
        var message = ControlChannel.Decode("""{"requestId":3,"type":"unbind","tunnelId":"t9"}"""u8);
        Assert.Equal("t9", Assert.IsType<UnbindMessage>(message).TunnelId);
    }
}
