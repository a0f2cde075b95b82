namespace OnnxDiffusion.Data;

/// <summary>A data file is malformed (wrong magic, truncated, inconsistent counts, bad labels …).</summary>
public sealed class DataFormatException : OnnxDiffusionException
{
    /// <summary>Creates the exception.</summary>
    public DataFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public DataFormatException(string message, Exception inner) : base(message, inner) { }
}
