import streamlit as st

st.title("Data")
st.info("Coming soon: Upload a labelled text dataset, or pick a built-in one, and see what is in it.")
