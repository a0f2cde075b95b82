namespace OnnxDiffusion;

/// <summary>
/// Base of every error OnnxDiffusion reports about its input. The message is meant to be shown to a user
/// as one line: it names the file, key or value and says what was expected.
/// </summary>
public class OnnxDiffusionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxDiffusionException(string message) : base(message) { }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public OnnxDiffusionException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A configuration file or value is invalid.</summary>
public sealed class ConfigException : OnnxDiffusionException
{
    /// <summary>Creates the exception.</summary>
    public ConfigException(string message) : base(message) { }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public ConfigException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>An output file or folder cannot be written (not a folder, no permission, disk full …); the message names the path and the cause.</summary>
public sealed class OutputException : OnnxDiffusionException
{
    /// <summary>Creates the exception.</summary>
    public OutputException(string message) : base(message) { }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public OutputException(string message, Exception inner) : base(message, inner) { }
}
