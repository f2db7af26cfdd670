fn main() {
    println!("{}", this_name_is_not_defined_anywhere);
}
