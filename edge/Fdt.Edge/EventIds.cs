namespace Fdt.Edge;

/// <summary>Every log event id of the edge, in one place so that none is reused.</summary>
internal static class EventIds
{
    public const int LeaseLoadFailed = 1001;
    public const int LeaseSaveFailed = 1002;
    public const int LeasesRestored = 1003;

    public const int AgentConnected = 1100;
    public const int AgentDisconnected = 1101;
    public const int AgentRejected = 1102;
    public const int AgentHandshakeFailed = 1103;
    public const int TunnelBound = 1104;
    public const int TunnelUnbound = 1105;
    public const int BindRefused = 1106;
    public const int ControlProtocolError = 1107;
    public const int DrainingSessions = 1108;
    public const int AgentFastPath = 1109;
    public const int TunnelStoppedByControlPlane = 1110;
    public const int SessionDisconnectedByControlPlane = 1111;

    public const int ForwardFailed = 1200;
    public const int ResponseAborted = 1201;
    public const int UpgradeFailed = 1202;

    public const int TcpListening = 1300;
    public const int TcpConnectionLimit = 1301;
    public const int TcpConnectionFailed = 1302;
    public const int TcpLocalRefused = 1303;
    public const int TcpIdleTimeout = 1304;
    public const int TcpAddressDenied = 1305;

    public const int TlsHelloTimeout = 1400;
    public const int TlsInvalidHello = 1401;
    public const int TlsLocalRefused = 1402;
    public const int TlsPassthroughFailed = 1403;
    public const int TlsNoServerName = 1404;
    public const int TlsAddressDenied = 1405;

    public const int PoliciesRefreshed = 1500;
    public const int PolicyLayerSkipped = 1501;
    public const int WebhookBodyReadFailed = 1502;
}
