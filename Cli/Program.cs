using System.CommandLine;
using MusicCluster.Cli.Commands;

var root = new RootCommand("musiccluster: datasets, training, generation, scoring and benchmarks for MusicCluster");
root.Subcommands.Add(DoctorCommand.Create());
// The MIDI reader (path -> Piece) and writer (Piece -> SMF bytes) of Music/Midi plug in here. Without a reader,
// `convert` says it cannot read MIDI (exit 2); without a writer, WAV uses the built-in synthesizer, not fluidsynth.
root.Subcommands.Add(ConvertCommand.Create(readMidi: null, encodeMidi: null));
return await root.Parse(args).InvokeAsync();
