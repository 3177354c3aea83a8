#if !JWTAUDIT_FUZZING
import FuzzReplay

/// The main of a normal build: replays the files named through the target (FuzzReplay).
@main
enum Replay {
    static func main() { FuzzReplay.main(fuzzTokenDecoder) }
}
#endif
